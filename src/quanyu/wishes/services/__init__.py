"""Every write of the wishes domain, one function per step (lock → check actor → check the table →
save + event, in one transaction)."""

from quanyu.wishes.services.claims import (
    wish_claim,
    wish_claim_progress,
    wish_claim_reassign,
    wish_claim_release,
    wish_fulfil,
    wish_lapse_sweep,
)
from quanyu.wishes.services.closing import wish_confirm, wish_dispute, wish_resolve, wish_thank
from quanyu.wishes.services.history import PastWish, wishes_history_load
from quanyu.wishes.services.posting import (
    wish_approve,
    wish_cancel,
    wish_reject,
    wish_submit,
    wish_submit_on_behalf,
)

__all__ = [
    "PastWish",
    "wish_approve",
    "wish_cancel",
    "wish_claim",
    "wish_claim_progress",
    "wish_claim_reassign",
    "wish_claim_release",
    "wish_confirm",
    "wish_dispute",
    "wish_fulfil",
    "wish_lapse_sweep",
    "wish_reject",
    "wish_resolve",
    "wish_submit",
    "wish_submit_on_behalf",
    "wish_thank",
    "wishes_history_load",
]
