"""Input shape of the proposal pages. No queries: choices come from the views."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cercle.decisions.enums import ConsentChoice, PollKind, ReasonRequired
from cercle.decisions.models import PollOption, Proposal
from cercle.decisions.tally import MEETING_IF_NEED_BE, MEETING_NO, MEETING_YES

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
# Times a meeting poll's option line may start with (then, optionally, a label).
LINE_TIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%d/%m/%Y %Hh%M")


def _closes_at_field(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        help_text=_("Date and time (Paris), in the future."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


def _parse_time_line(line: str) -> tuple[datetime, str] | None:
    for size in (16, 17, 15):
        head, rest = line[:size], line[size:]
        for fmt in LINE_TIME_FORMATS:
            try:
                moment = datetime.strptime(head.strip(), fmt)
            except ValueError:
                continue
            return timezone.make_aware(moment), rest.strip(" -–:")
    return None


class ProposalCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PollKind.choices, initial=PollKind.PROPOSAL)
    title = forms.CharField(label=_("Title"), max_length=200)
    details = forms.CharField(
        label=_("Details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What is proposed, and why. Markdown is accepted."),
    )
    closes_at = _closes_at_field(_("Closes on"))
    options = forms.CharField(
        label=_("Options of a poll"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One option a line; leave empty for a consent proposal. For a meeting time, "
            "start each line with a date and time, e.g. 2025-03-14 14:00 Friday afternoon."
        ),
    )
    anonymous = forms.BooleanField(label=_("Anonymous votes"), required=False)
    hide_results_until_closed = forms.BooleanField(
        label=_("Hide the results until the vote closes"), required=False
    )
    reason_required = forms.ChoiceField(
        label=_("Reason required"), choices=ReasonRequired.choices, initial=ReasonRequired.DISSENT
    )
    voters = forms.MultipleChoiceField(
        label=_("Only these people may vote"),
        required=False,
        help_text=_("Leave empty for every member of the group."),
    )
    min_choices = forms.IntegerField(
        label=_("Several choices: at least"), required=False, min_value=1, max_value=50
    )
    max_choices = forms.IntegerField(
        label=_("Several choices: at most"), required=False, min_value=1, max_value=50
    )
    max_score = forms.IntegerField(
        label=_("Score: highest score"), required=False, min_value=1, max_value=100
    )
    dots_per_voter = forms.IntegerField(
        label=_("Dot vote: dots per voter"), required=False, min_value=1, max_value=1000
    )

    def __init__(self, *args: Any, voter_choices: list[tuple[str, str]] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["voters"].choices = voter_choices or []  # type: ignore[attr-defined]

    def clean_options(self) -> list[Any]:
        lines = [line.strip() for line in self.cleaned_data.get("options", "").splitlines()]
        lines = [line for line in lines if line]
        if self.data.get("kind") != PollKind.MEETING:
            return lines
        parsed: list[Any] = []
        for number, line in enumerate(lines, start=1):
            found = _parse_time_line(line)
            if found is None:
                raise forms.ValidationError(
                    _("Line %(n)s: start with a date and time, e.g. 2025-03-14 14:00.")
                    % {"n": number}
                )
            parsed.append({"starts_at": found[0], "label": found[1]})
        return parsed


def _option_field_name(option: PollOption) -> str:
    return f"option_{option.key}"


MEETING_ANSWERS = [
    (str(MEETING_YES), _("Yes")),
    (str(MEETING_IF_NEED_BE), _("If need be")),
    (str(MEETING_NO), _("No")),
]


class VoteForm(forms.Form):
    """The vote of the proposal's kind: a radio group, check boxes, or a number (or an
    answer) per option. `choices()` gives what `vote_cast` takes."""

    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, proposal: Proposal, options: list[PollOption], **kw: Any):
        super().__init__(*args, **kw)
        self.proposal = proposal
        self.poll_options = options
        kind = proposal.kind
        choices = [(o.key, o.label) for o in options]
        if kind in (PollKind.PROPOSAL, PollKind.OBJECTION, PollKind.SINGLE_CHOICE):
            self.fields["choice"] = forms.ChoiceField(
                label=_("Your vote"), choices=choices, widget=forms.RadioSelect
            )
        elif kind == PollKind.MULTIPLE_CHOICE:
            self.fields["choice"] = forms.MultipleChoiceField(
                label=_("Your choices"),
                choices=choices,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("From %(low)s to %(high)s options.")
                % {"low": proposal.min_choices or 1, "high": proposal.max_choices or len(options)},
            )
        elif kind == PollKind.MEETING:
            for option in options:
                self.fields[_option_field_name(option)] = forms.ChoiceField(
                    label=option.label, choices=MEETING_ANSWERS, widget=forms.RadioSelect
                )
        else:
            top = {
                PollKind.SCORE: proposal.max_score,
                PollKind.RANKED_CHOICE: len(options),
                PollKind.DOT_VOTE: proposal.dots_per_voter,
            }.get(PollKind(kind))
            low = 1 if kind == PollKind.RANKED_CHOICE else 0
            for option in options:
                self.fields[_option_field_name(option)] = forms.IntegerField(
                    label=option.label,
                    required=kind == PollKind.SCORE,
                    min_value=low,
                    max_value=top,
                )
        # Fields in order: the vote, then the reason, then the alternative.
        self.fields["reason"] = self.fields.pop("reason")
        if kind == PollKind.PROPOSAL:
            self.fields["alternative"] = forms.CharField(
                label=_("Alternative proposal"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("Required with a block: what would you propose instead?"),
            )

    @property
    def option_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("option_")]

    @property
    def other_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("option_")]

    def choices(self) -> dict[str, int] | list[str]:
        data = self.cleaned_data
        if "choice" in data:
            picked = data["choice"]
            return [picked] if isinstance(picked, str) else list(picked)
        values: dict[str, int] = {}
        for option in self.poll_options:
            value = data.get(_option_field_name(option))
            if value is not None and value != "":
                values[option.key] = int(value)
        return values

    @property
    def block_key(self) -> str:
        return ConsentChoice.BLOCK


class StandAsideForm(forms.Form):
    # A typed identifier, not a list: a proposal of the whole network has thousands of
    # voters. The page's lists link here with the identifier filled in.
    person = forms.CharField(
        label=_("Who stands aside"),
        required=False,
        max_length=120,
        help_text=_(
            "Stewards may record a conflict of interest for someone else: their identifier "
            "(follow the link next to their name in the lists below). Leave empty for yourself."
        ),
    )
    reason = forms.CharField(
        label=_("Conflict of interest"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say briefly what ties you to the matter. Your name will be listed."),
    )

    def __init__(self, *args: Any, for_someone: bool = False, **kw: Any):
        # Prefixed: the vote form on the same page has its own `reason`.
        kw.setdefault("prefix", "aside")
        super().__init__(*args, **kw)
        if not for_someone:
            del self.fields["person"]


class ExtendForm(forms.Form):
    closes_at = _closes_at_field(_("New closing time"))


class OutcomeForm(forms.Form):
    statement = forms.CharField(
        label=_("Outcome"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What was decided, and what happens next."),
    )


class ProposalFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args: Any, **kw: Any):
        from cercle.decisions.enums import ProposalStatus

        super().__init__(*args, **kw)
        self.fields["status"].choices = [("", _("All")), *ProposalStatus.choices]  # type: ignore[attr-defined]
        self.fields["kind"].choices = [("", _("All")), *PollKind.choices]  # type: ignore[attr-defined]
