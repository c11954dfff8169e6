"""Who may do what in the network: engagement levels as policies."""

from __future__ import annotations

from cercle.network.models import Person


def person_is_member(person: Person) -> bool:
    """A member adhered personally (has a level) or belongs to an adhering organization."""
    if person.engagement_level:
        return True
    return person.organizations.filter(member_since__isnull=False).exists()
