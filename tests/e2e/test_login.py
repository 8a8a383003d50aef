import pytest

from tests.e2e.helpers import login
from tests.factories import PASSWORD, make_city, make_personas

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_community_worker_logs_in_and_sees_workbench(page, live_server):
    c = make_city()
    make_personas(c)
    login(page, live_server, "community_x", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "工作台"
    assert c.communities[0].name in page.content()
