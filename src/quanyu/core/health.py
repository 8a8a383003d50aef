"""Health and readiness for load balancers and orchestrators (docs/DEPLOY.md).

``/healthz``: the process answers (no database, no cache: a liveness probe must not fail because
PostgreSQL is restarting, or every worker would be restarted with it).
``/readyz``: this worker can serve: the database answers and has no unapplied migration, and the
shared cache (rate limits) answers. 503 with what failed otherwise, so the balancer takes the node
out until it recovers. Neither needs a log-in or says anything about the data."""

from __future__ import annotations

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


# Once this process has seen every migration applied it stays so (a deploy starts new
# processes), so the migration graph, read from every migration module, is loaded until then only.
_migrated = False


def _database() -> str | None:
    global _migrated
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if not _migrated:
            executor = MigrationExecutor(connection)
            if executor.migration_plan(executor.loader.graph.leaf_nodes()):
                return "migrations pending"
            _migrated = True
    except DatabaseError as exc:
        return f"database: {exc.__class__.__name__}"
    return None


def _cache() -> str | None:
    try:
        cache.set("quanyu:readyz", 1, 5)
        if cache.get("quanyu:readyz") != 1:
            return "cache: not stored"
    except Exception as exc:  # any backend's failure (Redis down, …) means not ready
        return f"cache: {exc.__class__.__name__}"
    return None


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    problems = [p for p in (_database(), _cache()) if p]
    if problems:
        return JsonResponse({"status": "unavailable", "problems": problems}, status=503)
    return JsonResponse({"status": "ok"})
