"""The demo's units carry valid, distinct 统一社会信用代码 (issue 13 point 11)."""

from __future__ import annotations

from quanyu.demo.names import DEPARTMENTS
from quanyu.demo.steps.orgs import demo_credit_code
from quanyu.orgs.imports.validators import validate_credit_code
from quanyu.orgs.models import UnitKind


def test_demo_credit_codes_are_valid_distinct_and_say_the_kind():
    codes = {d.name: demo_credit_code(UnitKind.DEPARTMENT, d.name) for d in DEPARTMENTS}
    assert all(validate_credit_code(code) == code for code in codes.values())
    assert len(set(codes.values())) == len(codes)
    assert all(code.startswith("11370602") for code in codes.values())
    assert demo_credit_code(UnitKind.NON_PUBLIC_ENTERPRISE, "某某科技有限公司").startswith("91")
    assert demo_credit_code(UnitKind.SOCIAL_ORGANISATION, "邻里协会").startswith("52")
    assert demo_credit_code(UnitKind.RESIDENT_UNIT, "芝罘区某小学") == demo_credit_code(
        UnitKind.RESIDENT_UNIT, "芝罘区某小学"
    )
