"""The reply quality (``analytics.replies``) of one ticket's answers, for the staff who follow
it: the resolution's explanation (办理说明) of the handling tier, and each department's
explanation of its part (a whistle), scored against the resident's text with the working days
from the request to the answer (the holiday table).

Scored together in one batch (the request and the ticket's answers), so the relevance's TF-IDF is
fitted on a handful of texts rather than on the thousands ``RELEVANT_COSINE`` was set on: a
ticket's figures rank its own answers well, and are indicative beside other tickets'."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from quanyu.analytics.replies import Reply, score_replies
from quanyu.catalog.calendar import WorkCalendar
from quanyu.core.permissions import has_role
from quanyu.core.roles import Role
from quanyu.tickets.models import EventKind, Ticket

FLAG_LABELS = {
    "boilerplate": "只有套话",
    "off_topic": "答非所问",
    "points_unanswered": "诉求要点未回应",
    "no_explanation": "未说明依据、经过或联系方式",
    "late": "超过15个工作日",
    "no_time": "缺少时间",
}


# Who follows the quality of the answers: the street and community that own the ticket, the
# district's administrators, the organisation department and the leaders (not the resident, who
# rates the result, nor the department, whose answer is scored).
VIEWERS = frozenset({Role.ADMIN, Role.ORG_DEPARTMENT, Role.LEADER, Role.STREET_STAFF, Role.COMMUNITY_STAFF})


def may_see_reply_quality(actor: Any, ticket: Ticket) -> bool:
    return bool(getattr(actor, "is_superuser", False)) or has_role(actor, VIEWERS, at_path=ticket.area_path)


@dataclass(frozen=True)
class ScoredReply:
    who: str  # the handling tier, or the department
    text: str
    scores: dict[str, Any]

    @property
    def flag_labels(self) -> list[str]:
        return [_(FLAG_LABELS[f]) for f in self.scores["flags"] if f in FLAG_LABELS]


def ticket_reply_scores(ticket: Ticket) -> list[ScoredReply]:
    """Every answer the ticket got, oldest first, with its scores (two queries)."""
    answers: list[tuple[str, str, Any]] = []
    for event in ticket.events.filter(kind=EventKind.RESOLVED).order_by("at", "id"):
        text = str((event.payload or {}).get("explanation") or "")
        if text:
            answers.append((_("办结答复"), text, event.at))
    for w in (
        ticket.whistles.select_related("department").exclude(explanation="").order_by("resolved_at", "id")
    ):
        answers.append((w.department.name, w.explanation, w.resolved_at))
    if not answers:
        return []
    replies = [
        Reply(str(i), ticket.text, text, asked_at=ticket.created_at, replied_at=at)
        for i, (_who, text, at) in enumerate(answers)
    ]
    scores = score_replies(replies, working_days=WorkCalendar().working_days_between)
    return [ScoredReply(who, text, s) for (who, text, _at), s in zip(answers, scores, strict=True)]
