"""The states of a referral and the actions between them (`TRANSITIONS`): which side may take
each action from which states, and where it leads. Read by the engine (`plans.referrals`) and
by the policies (`plans.referral_policies`, what a user may do now)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kooperacja.plans.models import Referral, ReferralStatus

S = ReferralStatus

SENDER = "sender"
RECEIVER = "receiver"
SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    """One action on a referral: from which states each side may take it, and where it leads
    ("" = the state does not change: forwarding a declined referral keeps it declined)."""

    name: str
    to_state: str
    by: dict[str, frozenset[str]]

    @property
    def from_states(self) -> frozenset[str]:
        return frozenset().union(*self.by.values())

    @property
    def sides(self) -> frozenset[str]:
        return frozenset(self.by)

    def allows(self, status: str, side: str) -> bool:
        return status in self.by.get(side, frozenset())


def _t(name: str, to_state: str, **by: Iterable[str]) -> Transition:
    return Transition(name, to_state, {side: frozenset(states) for side, states in by.items()})


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        _t("send", S.SENT, sender=[S.DRAFT]),
        _t("accept", S.ACCEPTED, receiver=[S.SENT]),
        _t("decline", S.DECLINED, receiver=[S.SENT]),
        _t("start", S.IN_PROGRESS, receiver=[S.ACCEPTED]),
        _t("complete", S.COMPLETED, receiver=[S.ACCEPTED, S.IN_PROGRESS], sender=[S.ACCEPTED, S.IN_PROGRESS]),
        _t("cancel", S.CANCELLED, sender=[S.DRAFT, S.SENT, S.ACCEPTED, S.IN_PROGRESS]),
        _t("expire", S.EXPIRED, system=[S.SENT]),
        # The sender forwards a declined (or expired) referral; the receiver declines and
        # forwards in one step. Either way the old referral ends declined (or stays expired).
        _t("forward", S.DECLINED, sender=[S.DECLINED, S.EXPIRED], receiver=[S.SENT]),
    )
}

CLOSED_STATUSES = frozenset({S.DECLINED, S.CANCELLED, S.EXPIRED, S.COMPLETED})


def allowed_actions(referral: Referral, side: str, can_act: bool) -> list[str]:
    """The actions the side may take on the referral now (none for a reader who may not act)."""
    if not can_act:
        return []
    found = [name for name, t in TRANSITIONS.items() if t.allows(referral.status, side)]
    if "forward" in found and side == SENDER and referral.forwarded_as.exists():
        found.remove("forward")
    return found
