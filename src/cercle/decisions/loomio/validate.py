"""The first pass: read every line, check it, and keep only what the second pass needs.

Kept in memory: the set of ids per table (to check references), a few small sets
(discarded discussions, stances that are not votes, latest votes per poll and voter) and
counts. Never the records themselves.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from cercle.decisions.loomio import mapping
from cercle.decisions.loomio.reader import LineError, read_lines

# How many errors are kept to show (all are counted).
ERRORS_SHOWN = 200


@dataclass
class Survey:
    """What the first pass learnt about the file."""

    sha256: str = ""
    lines: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    skipped_tables: Counter[str] = field(default_factory=Counter)
    errors: list[LineError] = field(default_factory=list)
    error_count: int = 0
    ids: dict[str, set[int]] = field(
        default_factory=lambda: {table: set() for table in mapping.IMPORTED_TABLES}
    )
    # (line, field, target table, id) of references to rows not read yet.
    pending: list[tuple[int, str, str, int]] = field(default_factory=list)
    discarded_discussions: set[int] = field(default_factory=set)
    not_votes: set[int] = field(default_factory=set)
    latest_votes: set[tuple[int, int]] = field(default_factory=set)
    # Loomio group key / handle / id → id; the first top-level group.
    group_names: dict[str, int] = field(default_factory=dict)
    top_group: int | None = None

    def fail(self, line: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < ERRORS_SHOWN:
            self.errors.append(LineError(line, message))

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def _check_record(survey: Survey, number: int, table: str, record: dict[str, Any]) -> None:
    row_id = record.get("id")
    if not mapping.is_id(row_id):
        survey.fail(number, _("the %(table)s record has no numeric “id”") % {"table": table})
        return
    if row_id in survey.ids[table]:
        survey.fail(
            number, _("the id %(id)s of %(table)s appears twice") % {"id": row_id, "table": table}
        )
        return
    for name in mapping.REQUIRED_TEXTS.get(table, ()):
        value = record.get(name)
        if not isinstance(value, str) or not value.strip():
            survey.fail(number, _("the field “%(field)s” is missing or empty") % {"field": name})
    for name, required in mapping.DATES[table]:
        value = record.get(name)
        if value is None:
            if required:
                survey.fail(number, _("the date “%(field)s” is missing") % {"field": name})
            continue
        try:
            mapping.parse_when(value)
        except ValueError:
            survey.fail(
                number,
                _("the date “%(field)s” is not a date: %(value)s")
                % {"field": name, "value": str(value)[:40]},
            )
    for name, target, required in mapping.REFERENCES.get(table, ()):
        _check_reference(survey, number, record, name, target, required)
    checker = _SPECIFIC.get(table)
    if checker is not None:
        checker(survey, number, record)
    survey.ids[table].add(record["id"])


def _check_reference(
    survey: Survey, number: int, record: dict[str, Any], name: str, target: str, required: bool
) -> None:
    value = record.get(name)
    if value is None:
        if required:
            survey.fail(number, _("the reference “%(field)s” is missing") % {"field": name})
        return
    if not mapping.is_id(value):
        survey.fail(number, _("the reference “%(field)s” is not an id") % {"field": name})
        return
    if value not in survey.ids[target]:
        survey.pending.append((number, name, target, value))


def _check_user(survey: Survey, number: int, record: dict[str, Any]) -> None:
    email = record.get("email")
    if email is not None:
        try:
            if not isinstance(email, str):
                raise ValidationError("")
            validate_email(email.strip())
        except ValidationError:
            survey.fail(number, _("the e-mail address is not valid: %(value)s") % {"value": email})


def _check_group(survey: Survey, number: int, record: dict[str, Any]) -> None:
    row_id = record["id"]
    for name in ("key", "handle"):
        value = record.get(name)
        if isinstance(value, str) and value:
            survey.group_names.setdefault(value, row_id)
    survey.group_names.setdefault(str(row_id), row_id)
    if survey.top_group is None and record.get("parent_id") is None:
        survey.top_group = row_id


def _check_discussion(survey: Survey, number: int, record: dict[str, Any]) -> None:
    if record.get("discarded_at") is not None:
        survey.discarded_discussions.add(record["id"])


def _check_comment(survey: Survey, number: int, record: dict[str, Any]) -> None:
    parent = comment_parent(record)
    if parent is not None:
        _check_reference(survey, number, record, "parent_id", parent[0], True)


def comment_parent(record: dict[str, Any]) -> tuple[str, Any] | None:
    """The (table, id) a comment answers: a comment, a vote, or none (the thread)."""
    parent_id = record.get("parent_id")
    if parent_id is None:
        return None
    parent_type = record.get("parent_type")
    if parent_type is None or parent_type == "Comment":
        return ("comments", parent_id)
    if parent_type == "Stance":
        return ("stances", parent_id)
    return None


def _check_poll(survey: Survey, number: int, record: dict[str, Any]) -> None:
    if record.get("poll_type") not in mapping.POLL_KINDS:
        survey.fail(
            number,
            _("the poll type “%(value)s” is not known") % {"value": str(record.get("poll_type"))},
        )
    if record.get("discussion_id") is None and record.get("group_id") is None:
        survey.fail(number, _("the poll is in no discussion and no group"))
    for name in ("anonymous", "specified_voters_only", "multiple_choice"):
        if record.get(name) not in (None, True, False):
            survey.fail(number, _("the field “%(field)s” is not true or false") % {"field": name})


def _check_option(survey: Survey, number: int, record: dict[str, Any]) -> None:
    priority = record.get("priority")
    if priority is not None and not mapping.is_id(priority):
        survey.fail(number, _("the field “%(field)s” is not a number") % {"field": "priority"})


def _check_stance(survey: Survey, number: int, record: dict[str, Any]) -> None:
    cast = "cast_at" not in record or record.get("cast_at") is not None
    if not cast or record.get("revoked_at") is not None or record.get("participant_id") is None:
        survey.not_votes.add(record["id"])
        return
    if record.get("latest", True) is True and mapping.is_id(record.get("poll_id")):
        pair = (record["poll_id"], record["participant_id"])
        if pair in survey.latest_votes:
            survey.fail(number, _("a second latest vote of the same person on the same poll"))
        survey.latest_votes.add(pair)


def _check_choice(survey: Survey, number: int, record: dict[str, Any]) -> None:
    score = record.get("score", 1)
    if not mapping.is_id(score):
        survey.fail(number, _("the field “%(field)s” is not a number") % {"field": "score"})


def _check_outcome(survey: Survey, number: int, record: dict[str, Any]) -> None:
    return None


_SPECIFIC: dict[str, Callable[[Survey, int, dict[str, Any]], None]] = {
    "users": _check_user,
    "groups": _check_group,
    "discussions": _check_discussion,
    "comments": _check_comment,
    "polls": _check_poll,
    "poll_options": _check_option,
    "stances": _check_stance,
    "stance_choices": _check_choice,
    "outcomes": _check_outcome,
}


def survey_file(
    path: Path | str,
    *,
    progress: Callable[[int, Counter[str]], None] | None = None,
    progress_every: int = 10_000,
) -> Survey:
    """Pass 1: check every line; the survey says whether the file may be imported."""
    survey = Survey()
    digest = hashlib.sha256()
    for item in read_lines(path, digest=digest):
        if isinstance(item, LineError):
            survey.fail(item.line, item.message)
            survey.lines = max(survey.lines, item.line)
            continue
        survey.lines = item.number
        if item.table in survey.ids:
            survey.counts[item.table] += 1
            _check_record(survey, item.number, item.table, item.record)
        else:
            survey.skipped_tables[item.table] += 1
        if progress is not None and item.number % progress_every == 0:
            progress(item.number, survey.counts)
    for number, name, target, value in survey.pending:
        if value not in survey.ids[target]:
            survey.fail(
                number,
                _("the reference “%(field)s” names %(table)s %(id)s, which the file does not hold")
                % {"field": name, "table": target, "id": value},
            )
    survey.pending = []
    survey.errors.sort(key=lambda error: error.line)
    survey.sha256 = digest.hexdigest()
    return survey
