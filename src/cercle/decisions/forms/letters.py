"""Input shape of the support-letter pages. No queries: choices come from the views."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cercle.decisions.enums import CriterionAssessment, LetterStatus
from cercle.decisions.models import ReadingCriterion

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class LetterFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *LetterStatus.choices]
    )
    mine = forms.BooleanField(label=_("Only the requests I made"), required=False)


class LetterRequestForm(forms.Form):
    project_name = forms.CharField(label=_("Project name"), max_length=200)
    project_summary = forms.CharField(
        label=_("The project in a few lines"), widget=forms.Textarea(attrs={"rows": 5})
    )
    holder = forms.ChoiceField(
        label=_("Project holder"),
        help_text=_(
            "The organization carrying the project. The association supports projects, "
            "never their operators: a service provider cannot be the holder."
        ),
    )
    operators = forms.MultipleChoiceField(
        label=_("Operators involved"),
        required=False,
        help_text=_("The providers or partners who will carry out the work, if any."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    call_name = forms.CharField(label=_("Call for projects"), max_length=200)
    call_url = forms.URLField(label=_("Link to the call"), required=False, assume_scheme="https")
    call_deadline = forms.DateTimeField(
        label=_("Deadline of the call"),
        help_text=_("Date and time (Paris), at least three days from now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )
    dossier = forms.FileField(
        label=_("Dossier"),
        help_text=_("PDF, ODT or DOCX, up to 10 MB. Members of the network will read it."),
    )
    contact_email = forms.EmailField(
        label=_("Contact e-mail"),
        help_text=_("Where the project holder receives the letter and the invitation."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(
        self,
        *args: Any,
        holder_choices: Sequence[tuple[str, str]],
        operator_choices: Sequence[tuple[str, str]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["holder"].choices = [("", "—"), *holder_choices]  # type: ignore[attr-defined]
        self.fields["operators"].choices = list(operator_choices)  # type: ignore[attr-defined]


class ReviewerForm(forms.Form):
    person = forms.ChoiceField(label=_("Reviewer"))

    def __init__(self, *args: Any, person_choices: Sequence[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "—"), *person_choices]  # type: ignore[attr-defined]


def assessment_field(criterion: ReadingCriterion) -> str:
    return f"criterion_{criterion.uuid}"


def comment_field(criterion: ReadingCriterion) -> str:
    return f"comment_{criterion.uuid}"


class ReviewForm(forms.Form):
    """One assessment and one comment per active criterion, then a summary."""

    def __init__(self, *args: Any, criteria: Sequence[ReadingCriterion], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[assessment_field(criterion)] = forms.ChoiceField(
                label=criterion.title,
                help_text=criterion.description,
                choices=CriterionAssessment.choices,
                widget=forms.RadioSelect,
            )
            self.fields[comment_field(criterion)] = forms.CharField(
                label=_("Comment on “%(title)s”") % {"title": criterion.title},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["summary"] = forms.CharField(
            label=_("Summary of your reading"), widget=forms.Textarea(attrs={"rows": 6})
        )

    def assessments(self) -> dict[str, dict[str, str]]:
        data = self.cleaned_data
        return {
            str(c.uuid): {
                "assessment": data.get(assessment_field(c), ""),
                "comment": data.get(comment_field(c), ""),
            }
            for c in self.criteria
        }


class CriterionForm(forms.Form):
    title = forms.CharField(label=_("Criterion"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
