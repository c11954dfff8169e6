"""Input shapes for positioning, teams, invitations and the suggestion's parameters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cercle.missions.enums import TeamRole
from cercle.missions.services.teams import INVITABLE_ROLES


class PositioningForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the circle (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why you are interested, what you would bring, who you would team with."),
    )


class TeamCreateForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=120)


class InviteForm(forms.Form):
    person = forms.ChoiceField(label=_("Circle member to invite"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(r.value, r.label) for r in TeamRole if r in INVITABLE_ROLES],
    )

    def __init__(self, *args: Any, person_choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "—"), *person_choices]  # type: ignore[attr-defined]


class SuggestionForm(forms.Form):
    jours = forms.DecimalField(
        label=_("Estimated workload (days)"),
        required=False,
        min_value=Decimal("0.5"),
        max_value=Decimal("1000"),
        max_digits=6,
        decimal_places=1,
        help_text=_("Shared by the team. Empty: the minimum budget at the network's default rate."),
    )
    taille = forms.IntegerField(
        label=_("Maximum team size"),
        required=False,
        min_value=1,
        max_value=8,
    )
