"""Input shape of the tender watch's pages. No queries: choices come from the views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cercle.missions.enums import TeamRole, TenderInterestKind
from cercle.missions.services.tenders import TenderOutcome
from cercle.network.forms import TERRITORY_HELP, TerritoryInput

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": 0}

# The roles a lead invites people into, one multiple choice each.
ROLE_FIELDS = (
    ("co_contractors", TeamRole.CO_CONTRACTOR, _("Co-contractors")),
    ("sub_contractors", TeamRole.SUB_CONTRACTOR, _("Sub-contractors")),
    ("guarantors", TeamRole.GUARANTOR, _("Commons guarantors (garants-connecteurs)")),
    ("helping_commoners", TeamRole.HELPING_COMMONER, _("Helping commoners (commoners aidants)")),
)


def _datetime_field(label: Any, help_text: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


class TenderForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    buyer = forms.CharField(label=_("Buyer"), max_length=200)
    link = forms.URLField(label=_("Link to the notice"), max_length=500, assume_scheme="https")
    deadline = _datetime_field(_("Deadline"), _("Date and time (Paris), in the future."))
    cpv_code = forms.CharField(
        label=_("CPV code"),
        max_length=10,
        help_text=_("Eight digits, optionally a dash and a check digit (e.g. 79411000-8)."),
    )
    lots = forms.CharField(
        label=_("Lots"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One lot a line, if the tender has lots."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class InterestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Your interest"), choices=TenderInterestKind.choices, widget=forms.RadioSelect
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ToRequestForm(forms.Form):
    """A consortium turns the tender into a request; its members are chosen per role."""

    team_name = forms.CharField(label=_("Team name"), max_length=120)
    budget_min_ht = forms.DecimalField(label=_("Budget from (€ excl. VAT)"), **MONEY)  # type: ignore[arg-type]
    budget_max_ht = forms.DecimalField(label=_("Budget up to (€ excl. VAT)"), **MONEY)  # type: ignore[arg-type]
    offers_deadline = _datetime_field(
        _("Deadline for the team's offer"),
        _("Date and time (Paris), before the tender's deadline."),
    )
    territory = forms.CharField(
        label=_("Territory"), max_length=5, help_text=TERRITORY_HELP, widget=TerritoryInput()
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Left empty, the tender's description is used."),
    )
    skills = forms.MultipleChoiceField(label=_("Required skills"), required=False)

    def __init__(
        self,
        *args: Any,
        people_choices: list[tuple[str, str]],
        skill_choices: list[tuple[str, str]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = skill_choices  # type: ignore[attr-defined]
        for name, _role, label in ROLE_FIELDS:
            self.fields[name] = forms.MultipleChoiceField(
                label=label, required=False, choices=people_choices
            )

    def members(self) -> list[tuple[str, str]]:
        """(slug, role) rows from the role fields, in the order of the form."""
        rows: list[tuple[str, str]] = []
        for name, role, _label in ROLE_FIELDS:
            rows += [(slug, str(role)) for slug in self.cleaned_data.get(name, [])]
        return rows


class ResultForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=TenderOutcome.CHOICES)
    winner = forms.CharField(label=_("Awarded to"), required=False, max_length=200)
    amount_ht = forms.DecimalField(
        label=_("Amount (€ excl. VAT)"),
        required=False,
        **MONEY,  # type: ignore[arg-type]
    )
    result = forms.CharField(
        label=_("What came of it"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
