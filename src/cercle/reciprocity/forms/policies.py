"""Input shapes for contribution policies, the guide, turnover, in kind and animation time.
No queries here: choices that come from the database are given by the view."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from cercle.membership.enums import ContributionKind
from cercle.reciprocity.enums import PolicyKind

IN_KIND_CHOICES = [
    (ContributionKind.IN_KIND_PROJECT, ContributionKind.IN_KIND_PROJECT.label),
    (ContributionKind.IN_KIND_EVENT, ContributionKind.IN_KIND_EVENT.label),
    (ContributionKind.IN_KIND_WELCOME, ContributionKind.IN_KIND_WELCOME.label),
]


def _percent(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        **kwargs,
    )


def _euros(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=Decimal("0"), max_digits=12, decimal_places=2, **kwargs
    )


def _hours(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=Decimal("0.25"), max_digits=7, decimal_places=2
    )


class SettingsForm(forms.Form):
    flat_rate_percent = _percent(_("Flat rate (% of turnover HT)"))
    structure_fee_percent = _percent(_("Structure fee (% kept by the association, option 1)"))
    introduction_fee_percent = _percent(_("Introduction fee (% of turnover HT, option 2)"))
    default_policy_local = forms.ChoiceField(
        label=_("Default policy for local requests"), choices=PolicyKind.choices
    )
    default_policy_structuring = forms.ChoiceField(
        label=_("Default policy for structuring requests"), choices=PolicyKind.choices
    )
    in_kind_hour_value = _euros(
        _("Value of an hour given in kind (€)"),
        required=False,
        help_text=_("Leave empty to show hours only, never converted into euros."),
    )
    declaration_call_month = forms.TypedChoiceField(
        label=_("Month of the yearly call for declarations"),
        coerce=int,
        choices=list(MONTHS.items()),
    )
    payment_due_days = forms.IntegerField(
        label=_("Days to pay an invoiced declaration"), min_value=0, max_value=365
    )


class GuideSituationForm(forms.Form):
    title = forms.CharField(label=_("Situation"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    suggested_min_percent = _percent(_("Suggested from (% of turnover)"))
    suggested_max_percent = _percent(_("Suggested up to (% of turnover)"))


class PolicyChangeForm(forms.Form):
    policy = forms.ChoiceField(label=_("New policy"), choices=PolicyKind.choices)
    rate_percent = _percent(
        _("Rate (%)"),
        required=False,
        help_text=_("For a rate policy; leave empty to take the rate of the settings."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class SelfAssessmentForm(forms.Form):
    amount_ht = _euros(_("Your contribution (€ HT)"))
    guide_situation = forms.ChoiceField(label=_("Closest situation in the guide"), required=False)

    def __init__(self, *args: Any, situations: list[tuple[str, str]] = (), **kwargs: Any):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["guide_situation"].choices = [("", "—"), *situations]  # type: ignore[attr-defined]


class NegotiationForm(forms.Form):
    amount_ht = _euros(_("Proposed amount (€ HT)"))


class NegotiationConfirmForm(forms.Form):
    amount_ht = _euros(_("Amount"), widget=forms.HiddenInput)


class TurnoverForm(forms.Form):
    amount_ht = _euros(_("Turnover actually invoiced (€ HT)"))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For a correction, say what changed."),
    )


class InKindForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=IN_KIND_CHOICES)
    hours = _hours(_("Hours"))
    done_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3})
    )
    contract_item = forms.ChoiceField(label=_("Item of your adhesion contract"), required=False)
    common = forms.ChoiceField(label=_("Common it was given to"), required=False)
    mission = forms.ChoiceField(label=_("Mission"), required=False)

    def __init__(
        self,
        *args: Any,
        items: list[tuple[str, str]] = (),  # type: ignore[assignment]
        commons: list[tuple[str, str]] = (),  # type: ignore[assignment]
        missions: list[tuple[str, str]] = (),  # type: ignore[assignment]
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["contract_item"].choices = [("", "—"), *items]  # type: ignore[attr-defined]
        self.fields["common"].choices = [("", "—"), *commons]  # type: ignore[attr-defined]
        self.fields["mission"].choices = [("", "—"), *missions]  # type: ignore[attr-defined]


class InKindValidateForm(forms.Form):
    hour_value = _euros(
        _("Value of an hour (€), optional"),
        required=False,
        help_text=_("Only if the hours are to be valued in euros."),
    )


class InKindRefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for refusal"), widget=forms.Textarea(attrs={"rows": 2})
    )


class AnimationForm(forms.Form):
    project = forms.CharField(
        label=_("Project"),
        max_length=200,
        required=False,
        help_text=_("Free name; may stay empty when a mission or an organization is chosen."),
    )
    mission = forms.ChoiceField(label=_("Mission"), required=False)
    organization = forms.ChoiceField(label=_("Organization"), required=False)
    hours = _hours(_("Hours"))
    done_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        missions: list[tuple[str, str]] = (),  # type: ignore[assignment]
        organizations: list[tuple[str, str]] = (),  # type: ignore[assignment]
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["mission"].choices = [("", "—"), *missions]  # type: ignore[attr-defined]
        self.fields["organization"].choices = [("", "—"), *organizations]  # type: ignore[attr-defined]
