"""One word for "past its limit" (issue 13 point 13): 已超期, as the ticket pages say it — a wish
claim that lapsed and the live countdown on deadline badges too, never 已超时."""

from __future__ import annotations

from pathlib import Path

from django.utils import translation

import quanyu
from quanyu.wishes.states import ClaimStatus

SRC = Path(quanyu.__file__).parent


def test_a_lapsed_claim_is_overdue_in_both_languages():
    with translation.override("zh-hans"):
        assert str(ClaimStatus.LAPSED.label) == "已超期"
    with translation.override("en"):
        assert str(ClaimStatus.LAPSED.label) == "Overdue"


def test_no_page_script_or_choice_says_the_other_word():
    sources = [*SRC.glob("*/states.py"), *SRC.glob("*/models.py"), *(SRC / "web").rglob("*.js")]
    sources += [*(SRC / "web" / "templates").rglob("*.html")]
    assert [str(p.relative_to(SRC)) for p in sources if "已超时" in p.read_text(encoding="utf-8")] == []
