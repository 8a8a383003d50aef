"""The OpenAPI schema is valid and warning-free, and the docs pages work without the internet."""

import re

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

REGISTRY_PATHS = [
    "/api/auth/token/",
    "/api/me/",
    "/api/areas/",
    "/api/areas/{id}/",
    "/api/areas/locate/",
    "/api/orgs/",
    "/api/orgs/{id}/",
    "/api/units/",
    "/api/units/{id}/",
]


@pytest.fixture(scope="module")
def schema(django_db_blocker, tmp_path_factory):
    out = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    return yaml.safe_load(out.read_text())


def test_schema_validates_without_warnings(schema):
    assert schema["openapi"].startswith("3.")


@pytest.mark.parametrize("path", REGISTRY_PATHS)
def test_registry_endpoints_are_in_the_schema(schema, path):
    assert path in schema["paths"]


def test_list_endpoints_document_pagination_and_filters(schema):
    for path, filters in {
        "/api/areas/": {"kind", "parent", "within", "code", "search"},
        "/api/orgs/": {"kind", "area", "within", "parent", "search"},
        "/api/units/": {"kind", "area", "within", "search"},
    }.items():
        operation = schema["paths"][path]["get"]
        names = {p["name"] for p in operation["parameters"]}
        assert {"page", "page_size", "ordering"} | filters <= names, path
        ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        page = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
        assert {"count", "page", "page_size", "results"} <= set(page["properties"])


def test_area_detail_documents_geometry(schema):
    ref = schema["paths"]["/api/areas/{id}/"]["get"]["responses"]["200"]["content"]["application/json"]
    component = schema["components"]["schemas"][ref["schema"]["$ref"].rsplit("/", 1)[1]]
    assert "geometry" in component["properties"]


def test_locate_documents_points_and_limits(schema):
    body = schema["paths"]["/api/areas/locate/"]["post"]["requestBody"]["content"]
    assert list(body) == ["application/json"]
    component = schema["components"]["schemas"][body["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
    assert component["properties"]["points"]["type"] == "array"
    assert "400" in schema["paths"]["/api/areas/locate/"]["post"]["responses"]


def test_token_documents_lockout(schema):
    responses = schema["paths"]["/api/auth/token/"]["post"]["responses"]
    assert {"200", "400", "401", "429"} <= set(responses)


def test_schema_is_served():
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/areas/" in response.json()["paths"]


def test_swagger_docs_work_offline_under_csp():
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    external = re.findall(r"""(?:src|href)=["'](?:https?:)?//[^"']+""", html)
    assert external == [], external
    # No inline script (the CSP allows only 'self'): the start-up script is served separately.
    assert re.findall(r"<script>", html) == []
    script = Client().get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_redoc_uses_the_local_bundle():
    response = Client().get("/api/redoc/")
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js" in response.content.decode()


def test_every_operation_documents_its_error_answers_and_the_ticket_list_its_envelope():
    import json
    import tempfile

    from django.core.management import call_command

    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        call_command("spectacular", "--format", "openapi-json", "--file", out.name)
        schema = json.load(open(out.name, encoding="utf-8"))  # noqa: SIM115
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert "400" in codes, f"{method} {path}"
            if "{" in path and method == "post":
                assert {"404", "409"} <= codes, f"{method} {path}"
    listing = schema["paths"]["/api/tickets/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert listing["schema"] == {"$ref": "#/components/schemas/PaginatedTicketList"}
    replay = schema["paths"]["/api/tickets/"]["post"]["responses"]["200"]["content"]["application/json"]
    assert replay["schema"] == {"$ref": "#/components/schemas/Ticket"}
