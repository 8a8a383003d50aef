"""people.selectors: who reads the audit log of personal data."""

from __future__ import annotations

import pytest

from quanyu.core.roles import Role
from quanyu.people import selectors, services
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_admin_grants_do_not_open_the_audit_log(registers, city):
    services.person_reveal(
        actor=city.users["community_x"], person=registers["member"], field="phone", reason="联系"
    )
    street_admin = make_user("street_admin", Role.ADMIN, city.streets[0])
    auditor = make_user("auditor", Role.AUDITOR, city.district)
    root = make_user("root", superuser=True)
    assert not selectors.audit_log_for(actor=street_admin).exists()
    assert not selectors.audit_log_for(actor=city.users["district_admin"]).exists()
    assert selectors.audit_log_for(actor=auditor).filter(action="reveal").count() == 1
    assert selectors.audit_log_for(actor=root).filter(action="reveal").count() == 1
