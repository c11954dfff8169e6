"""Input shapes for the charter, the circle, engagement follow-up, regulation and the
directory. No queries here: choices that come from the database are given by the view."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from cercle.membership.enums import EngagementCheckStatus, RegulationDecision, RegulationStatus


class CharterSignForm(forms.Form):
    # The version the person read: signing is refused if a newer one was published since.
    version = forms.IntegerField(widget=forms.HiddenInput)
    # Not required here: the service explains, in the same words for the page and the API,
    # why each consent is needed.
    consents_to_listing = forms.BooleanField(
        label=_("I accept that my membership of the circle is shown publicly"),
        help_text=_("Your name, organizations, skills, territories and public references."),
        required=False,
    )
    mandates_follow_up = forms.BooleanField(
        label=_("I ask the stewards to follow how I honour the engagements"),
        required=False,
    )


class CharterPublishForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    preamble = forms.CharField(label=_("Preamble"), widget=forms.Textarea, required=False)
    closing = forms.CharField(
        label=_("Consent text"),
        widget=forms.Textarea,
        help_text=_("What a signatory accepts by signing."),
    )


class CharterEngagementForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        required=False,
        help_text=_(
            "Keep the code of an engagement that continues, so its follow-up carries over."
        ),
    )
    title = forms.CharField(label=_("Engagement"), max_length=200, required=False)
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


CharterEngagementFormSet = forms.formset_factory(CharterEngagementForm, extra=1, max_num=20)


class EvidenceForm(forms.Form):
    evidence_url = forms.URLField(
        label=_("Link to the evidence"), required=False, assume_scheme="https"
    )
    evidence_note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("What you did, when, with whom."),
    )


class CheckReviewForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Review"),
        choices=[
            (EngagementCheckStatus.DONE, EngagementCheckStatus.DONE.label),
            (EngagementCheckStatus.MISSED, EngagementCheckStatus.MISSED.label),
        ],
    )


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class EngagementFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Not done")),
            (EngagementCheckStatus.PENDING, EngagementCheckStatus.PENDING.label),
            (EngagementCheckStatus.MISSED, EngagementCheckStatus.MISSED.label),
        ],
    )
    engagement = forms.ChoiceField(label=_("Engagement"), required=False)
    q = forms.CharField(label=_("Name"), max_length=80, required=False)

    def __init__(self, *args: Any, engagement_choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["engagement"].choices = [("", _("All")), *engagement_choices]  # type: ignore[attr-defined]


class RegulationRaiseForm(forms.Form):
    person = forms.ChoiceField(label=_("Circle member concerned"))
    concern = forms.CharField(
        label=_("Concern"),
        widget=forms.Textarea,
        help_text=_("Which engagement of the charter, what happened, what you already tried."),
    )

    def __init__(self, *args: Any, person_choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "—"), *person_choices]  # type: ignore[attr-defined]


class RegulationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *RegulationStatus.choices]
    )


class HearingForm(forms.Form):
    notes = forms.CharField(label=_("What the member said"), widget=forms.Textarea)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=RegulationDecision.choices)
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea)


class DirectoryFilterForm(forms.Form):
    skill = forms.ChoiceField(label=_("Skill"), required=False)
    territory = forms.CharField(
        label=_("Département"),
        max_length=3,
        required=False,
        help_text=_("A département code, e.g. 59, 2A or 974."),
        validators=[
            RegexValidator(
                r"^(?:[0-9]{2,3}|2[AaBb])$", _("Enter a département code, e.g. 59, 2A or 974.")
            )
        ],
    )

    def __init__(self, *args: Any, skill_choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = [("", _("All skills")), *skill_choices]  # type: ignore[attr-defined]
