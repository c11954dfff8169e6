"""The rotation's writes: storing who was asked to look at a request, and telling them."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy

from cercle.core import journal
from cercle.core.enums import NotificationKind, Visibility
from cercle.core.models import User
from cercle.core.notifications import notify
from cercle.missions.models import PanelInvitation, SupportRequest
from cercle.missions.selectors.rotation import PANEL_SIZE, rotation_panel


def panel_invite(
    *, support_request: SupportRequest, actor: User | None = None, size: int = PANEL_SIZE
) -> list[PanelInvitation]:
    """Ask the rotation's panel to look at a confirmed request; asking twice adds no one.

    Called by the request services when a request becomes visible to the circle.
    """
    panel = rotation_panel(support_request, size)
    with transaction.atomic():
        already = set(
            PanelInvitation.objects.filter(request=support_request).values_list(
                "person_id", flat=True
            )
        )
        fresh = [c for c in panel if c.person_id not in already]
        invitations = PanelInvitation.objects.bulk_create(
            [
                PanelInvitation(
                    request=support_request,
                    person_id=c.person_id,
                    awarded_missions_12m=c.missions_12m,
                )
                for c in fresh
            ]
        )
        if not fresh:
            return invitations
        journal.record(
            actor=actor,
            verb="request.panel_invited",
            obj=support_request,
            payload={
                "people": [c.slug for c in fresh],
                "missions_12m": [c.missions_12m for c in fresh],
            },
            visibility=Visibility.MEMBERS,
        )
        notify(
            kind=NotificationKind.TEAM_INVITATION,
            url=support_request.get_absolute_url(),
            users=list(User.objects.filter(person__id__in=[c.person_id for c in fresh])),
            subject=gettext_lazy("The circle's rotation asks you to look at a request"),
            template="missions/email/requests_panel.txt",
            context={
                "title": support_request.title,
                "url": support_request.get_absolute_url(),
            },
        )
    return invitations
