"""Co-governance models: co-building contracts (契约化共建) and joint meetings (联席会议) whose
resolutions become tracked tasks."""

from quanyu.cogov.models.contracts import (
    Contract,
    ContractEvent,
    ContractEventKind,
    ContractProject,
    ResourceKind,
)
from quanyu.cogov.models.deliberation import (
    Deliberation,
    DeliberationEvent,
    Objection,
    Opinion,
    Support,
    Vote,
)
from quanyu.cogov.models.meetings import (
    AgendaItem,
    AgendaSource,
    Body,
    BodyKind,
    BodyMember,
    Session,
    SessionEvent,
    SessionEventKind,
    SessionKind,
    Task,
    TaskEvent,
    TaskEventKind,
)

__all__ = [
    "AgendaItem",
    "AgendaSource",
    "Body",
    "BodyKind",
    "BodyMember",
    "Contract",
    "ContractEvent",
    "ContractEventKind",
    "ContractProject",
    "Deliberation",
    "DeliberationEvent",
    "Objection",
    "Opinion",
    "ResourceKind",
    "Session",
    "SessionEvent",
    "SessionEventKind",
    "SessionKind",
    "Support",
    "Task",
    "TaskEvent",
    "TaskEventKind",
    "Vote",
]
