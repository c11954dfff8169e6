"""Every write on people, organizations, skills and consultants' profiles.

One module a topic; everything is importable from `cercle.network.services`.
"""

from cercle.network.services.accounts import (
    account_create_verified,
    person_appoint_steward_by_operator,
)
from cercle.network.services.common import (
    _territory,
    person_of,
    split_codes,
    territories_from_codes,
    territory_or_none,
    unique_slug,
)
from cercle.network.services.consultants import (
    consultant_profile_update,
    consultant_reference_create,
    consultant_reference_delete,
    consultant_reference_update,
)
from cercle.network.services.organizations import (
    organization_create,
    organization_mark_member,
    organization_member_add,
    organization_member_remove,
    organization_member_set_role,
    organization_update,
)
from cercle.network.services.people import (
    person_mark_member,
    person_register,
    person_set_engagement_level,
    person_update_profile,
)
from cercle.network.services.skills import skill_create, skill_deactivate, skill_update

__all__ = [
    "_territory",
    "account_create_verified",
    "consultant_profile_update",
    "consultant_reference_create",
    "consultant_reference_delete",
    "consultant_reference_update",
    "organization_create",
    "organization_mark_member",
    "organization_member_add",
    "organization_member_remove",
    "organization_member_set_role",
    "organization_update",
    "person_appoint_steward_by_operator",
    "person_mark_member",
    "person_of",
    "person_register",
    "person_set_engagement_level",
    "person_update_profile",
    "skill_create",
    "skill_deactivate",
    "skill_update",
    "split_codes",
    "territories_from_codes",
    "territory_or_none",
    "unique_slug",
]
