"""Who may do what with contribution policies, the guide, turnover, in kind and animation.

- stewards change the settings, maintain the guide, switch a mission's policy, propose or
  confirm a negotiated amount, validate or refuse contributions in kind (never their
  own), and log the association's animation time;
- circle members and stewards read the guide and the contribution of any mission they
  may see (the circle sees every mission: transparency);
- a mission's lead declares its turnover (a steward may too), sets a self-assessed
  amount, and proposes or confirms a negotiated amount; a steward who leads the mission
  never plays the association's side of its negotiation;
- a member of the network (validated adhesion) declares hours given in kind.

Each `can_*` returns a bool for templates; each `check_can_*` raises `NotAllowed`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cercle.core.errors import NotAllowed
from cercle.membership.viewer import viewer_for
from cercle.missions.models import Mission
from cercle.missions.policies.follow_up import can_view_mission
from cercle.reciprocity.models import InKindContribution


def _refuse(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def _person_id(user: Any) -> int | None:
    person = viewer_for(user).person
    return person.pk if person is not None else None


def is_steward(user: Any) -> bool:
    return viewer_for(user).is_steward


def is_lead(user: Any, mission: Mission) -> bool:
    pid = _person_id(user)
    return pid is not None and pid == mission.lead_id


# ---------------------------------------------------------------- settings and guide


def can_manage_settings(user: Any) -> bool:
    return is_steward(user)


def check_can_manage_settings(user: Any) -> None:
    _refuse(can_manage_settings(user), _("Only stewards can change the contribution settings."))


def can_read_guide(user: Any) -> bool:
    v = viewer_for(user)
    return v.is_steward or v.in_circle


def check_can_read_guide(user: Any) -> None:
    _refuse(
        can_read_guide(user),
        _("The guide is open to the members of the consultants' circle and to stewards."),
    )


def can_manage_guide(user: Any) -> bool:
    return is_steward(user)


def check_can_manage_guide(user: Any) -> None:
    _refuse(can_manage_guide(user), _("Only stewards maintain the guide."))


# ---------------------------------------------------------------- a mission's contribution


def can_view_contribution(user: Any, mission: Mission) -> bool:
    return bool(can_view_mission(user, mission))


def check_can_view_contribution(user: Any, mission: Mission) -> None:
    _refuse(
        can_view_contribution(user, mission),
        _("Missions are visible to the members of the consultants' circle and to stewards."),
    )


def can_change_policy(user: Any, mission: Mission) -> bool:
    return is_steward(user)


def check_can_change_policy(user: Any, mission: Mission) -> None:
    _refuse(can_change_policy(user, mission), _("Only stewards can change a mission's policy."))


def can_self_assess(user: Any, mission: Mission) -> bool:
    return is_lead(user, mission)


def check_can_self_assess(user: Any, mission: Mission) -> None:
    _refuse(
        can_self_assess(user, mission),
        _("Only the mission's lead sets a self-assessed contribution."),
    )


def negotiation_side(user: Any, mission: Mission) -> str:
    """ "lead", "steward" or "" — which side of a negotiation this person speaks for."""
    if is_lead(user, mission):
        return "lead"
    if is_steward(user):
        return "steward"
    return ""


def can_negotiate(user: Any, mission: Mission) -> bool:
    return negotiation_side(user, mission) != ""


def check_can_negotiate(user: Any, mission: Mission) -> None:
    _refuse(
        can_negotiate(user, mission),
        _("Only the mission's lead and the stewards negotiate its contribution."),
    )


def can_declare_turnover(user: Any, mission: Mission) -> bool:
    return is_lead(user, mission) or is_steward(user)


def check_can_declare_turnover(user: Any, mission: Mission) -> None:
    _refuse(
        can_declare_turnover(user, mission),
        _("Only the mission's lead or a steward declares its turnover."),
    )


# ---------------------------------------------------------------- in kind and animation


def can_declare_in_kind(user: Any) -> bool:
    return viewer_for(user).is_member


def check_can_declare_in_kind(user: Any) -> None:
    _refuse(
        can_declare_in_kind(user),
        _("Only members whose adhesion is validated declare contributions in kind."),
    )


def can_review_in_kind(user: Any) -> bool:
    return is_steward(user)


def check_can_review_in_kind(user: Any) -> None:
    _refuse(can_review_in_kind(user), _("Only stewards validate contributions in kind."))


def can_decide_in_kind(user: Any, entry: InKindContribution) -> bool:
    pid = _person_id(user)
    return is_steward(user) and pid is not None and pid != entry.person_id


def check_can_decide_in_kind(user: Any, entry: InKindContribution) -> None:
    _refuse(
        can_decide_in_kind(user, entry),
        _("A steward other than the person who gave the time validates it."),
    )


def can_log_animation(user: Any) -> bool:
    return is_steward(user)


def check_can_log_animation(user: Any) -> None:
    _refuse(can_log_animation(user), _("Only stewards log the association's animation time."))


def can_view_animation(user: Any) -> bool:
    v = viewer_for(user)
    return v.is_steward or v.is_member


def check_can_view_animation(user: Any) -> None:
    _refuse(
        can_view_animation(user),
        _("The association's animation time is open to members of the network."),
    )
