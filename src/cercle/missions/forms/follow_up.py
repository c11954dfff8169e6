"""Input shapes of mission follow-up. No queries: choices come from the view."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cercle.missions.enums import MissionStatus, ReviewFinding


class MissionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *list(MissionStatus.choices)],
    )


class MissionUpdateForm(forms.Form):
    text = forms.CharField(
        label=_("Update"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        help_text=_("What was done, with whom, what comes next. The circle reads it."),
    )


class MissionStartForm(MissionUpdateForm):
    text = forms.CharField(
        label=_("How the mission starts"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        help_text=_("Who does what, the first dates, how the circle can follow."),
    )


class MissionDeliverForm(MissionUpdateForm):
    text = forms.CharField(
        label=_("What was delivered"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
    )


class DocumentationForm(forms.Form):
    social_link = forms.CharField(
        label=_("Social link"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        help_text=_("Which encounters and relations did the mission create or strengthen?"),
    )
    community_primacy = forms.CharField(
        label=_("Primacy of the community"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        help_text=_("How did the community of the place lead the work?"),
    )
    pooling = forms.CharField(
        label=_("Pooling (mise en commun)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        help_text=_("What was pooled: spaces, tools, knowledge, people?"),
    )
    territorial_impact = forms.CharField(
        label=_("Territorial impact"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        help_text=_("What changed for the territory?"),
    )
    resources_produced = forms.CharField(
        label=_("Resources produced and shared"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
    )
    resources_links = forms.CharField(
        label=_("Links to the shared resources"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=10_000,
        help_text=_("One web address a line."),
    )


class CommonsUseForm(forms.Form):
    common = forms.ChoiceField(label=_("Common"), required=False)
    how_used = forms.CharField(
        label=_("How it was used"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5_000,
    )
    given_back = forms.CharField(
        label=_("What was given back"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5_000,
        help_text=_("Contributions, improvements, money, time given to the common."),
    )

    def __init__(
        self, *args: Any, common_choices: list[tuple[str, str]] | None = None, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.fields["common"].choices = [("", "—"), *(common_choices or [])]  # type: ignore[attr-defined]


CommonsUseFormSet = forms.formset_factory(CommonsUseForm, extra=2, max_num=30)


MARKS = [(str(n), str(n)) for n in range(1, 6)]


class SatisfactionForm(forms.Form):
    overall = forms.TypedChoiceField(
        label=_("Overall, how satisfied are you? (1 = not at all, 5 = fully)"),
        choices=MARKS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    objectives_met = forms.TypedChoiceField(
        label=_("Were the mission's objectives met? (1 = not at all, 5 = fully)"),
        choices=MARKS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    would_recommend = forms.TypedChoiceField(
        label=_("Would you recommend the network?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5_000,
    )


class QualityReviewForm(forms.Form):
    finding = forms.ChoiceField(
        label=_("Finding"), choices=ReviewFinding.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000
    )
    open_regulation = forms.BooleanField(
        label=_("Open the regulation process about the lead"),
        required=False,
        help_text=_("Only with a finding outside the specification."),
    )
