"""The second pass: write what the first pass validated, in one transaction.

The import does not go through the live decision services: it must keep the original
dates, authors and closed polls, which those services (rightly) refuse. It writes the
models itself, table after table (parents first), each by streaming the file again and
saving batches with `bulk_create`, all inside ONE `transaction.atomic()`; then it
records ONE journal entry (`loomio.imported`, visibility MEMBERS) with the counts per
table, the file's SHA-256 and `dry_run: false`. A dry run goes through the same steps,
looks up what already exists and writes nothing (and records no journal entry).

Idempotence: every imported row carries `loomio_key = "<table>:<Loomio key or id>"`;
a row whose key exists is not created again, so a second run of the same file creates
nothing and a newer export of the same group adds only what is new (and marks the votes
that became history as not latest). People are matched by e-mail (case-insensitive);
group memberships by (group, person) and vote choices by (vote, option).

Memory: besides one batch of lines, only maps from Loomio ids to Cercle's primary keys
(and e-mails to people) are kept.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction
from django.utils.translation import gettext as _

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.models import User
from cercle.decisions.loomio import mapping
from cercle.decisions.loomio.reader import LineError, read_lines
from cercle.decisions.loomio.validate import Survey, survey_file
from cercle.decisions.loomio.writer import (
    TARGETS,
    ImportRefused,
    ProgressFn,
    TableResult,
)
from cercle.decisions.loomio.writer_polls import PollWriter
from cercle.decisions.models import Group

__all__ = ["TARGETS", "ImportRefused", "ImportReport", "TableResult", "loomio_import"]


@dataclass
class ImportReport:
    dry_run: bool
    sha256: str
    lines: int
    tables: dict[str, TableResult]
    people_created: int
    skipped_tables: dict[str, int]
    journal_seq: int | None = None

    @property
    def created(self) -> int:
        return sum(result.created for result in self.tables.values())


def _group_targets(survey: Survey, group_slugs: list[str]) -> dict[int, Group]:
    """`--group-slug SLUG` puts the export's top group into the existing group SLUG;
    `--group-slug KEY=SLUG` does it for the Loomio group of that key, handle or id."""
    targets: dict[int, Group] = {}
    problems: list[str] = []
    for spec in group_slugs:
        name, _sep, slug = spec.rpartition("=")
        loomio_id = survey.group_names.get(name) if name else survey.top_group
        if loomio_id is None:
            problems.append(_("No group “%(name)s” in the file.") % {"name": name or "?"})
            continue
        group = Group.objects.filter(slug=slug).first()
        if group is None:
            problems.append(_("No group has the slug “%(slug)s”.") % {"slug": slug})
            continue
        targets[loomio_id] = group
    if problems:
        raise ImportRefused([], problems=problems)
    return targets


def _check_targets(path: Path | str, targets: dict[int, Group]) -> None:
    if not targets:
        return
    problems: list[str] = []
    for item in read_lines(path, tables=frozenset({"groups"})):
        if isinstance(item, LineError) or item.record.get("id") not in targets:
            continue
        group = targets[item.record["id"]]
        key = mapping.loomio_key("groups", item.record)
        if group.loomio_key not in ("", key):
            problems.append(
                _("The group “%(slug)s” was already imported from another Framavox group.")
                % {"slug": group.slug}
            )
        elif Group.objects.filter(loomio_key=key).exclude(pk=group.pk).exists():
            problems.append(
                _("This Framavox group was already imported into another group than “%(slug)s”.")
                % {"slug": group.slug}
            )
    if problems:
        raise ImportRefused([], problems=problems)


def loomio_import(
    *,
    actor: User | None,
    path: Path | str,
    dry_run: bool = False,
    group_slugs: list[str] | None = None,
    batch_size: int = 500,
    progress: ProgressFn | None = None,
    progress_every: int = 10_000,
) -> ImportReport:
    """Import a Loomio (Framavox) group export: validate every line, then write it all in
    one transaction, or nothing. Raises `ImportRefused` with the wrong lines' numbers."""

    def say_read(number: int, counts: Counter[str]) -> None:
        if progress is not None:
            detail = ", ".join(f"{table} {n}" for table, n in sorted(counts.items()))
            progress(
                _("checked %(lines)d lines (%(detail)s)") % {"lines": number, "detail": detail}
            )

    survey = survey_file(path, progress=say_read, progress_every=progress_every)
    if not survey.ok:
        raise ImportRefused(survey.errors, error_count=survey.error_count)
    # The second pass needs the maps it builds, not the first pass's sets of ids.
    survey.ids.clear()
    survey.latest_votes.clear()
    targets = _group_targets(survey, group_slugs or [])
    _check_targets(path, targets)
    writer = PollWriter(
        path,
        survey,
        dry_run=dry_run,
        group_targets=targets,
        batch_size=batch_size,
        progress=progress,
        progress_every=progress_every,
    )
    report = ImportReport(
        dry_run=dry_run,
        sha256=survey.sha256,
        lines=survey.lines,
        tables=writer.results,
        people_created=0,
        skipped_tables=dict(survey.skipped_tables),
    )
    try:
        with transaction.atomic():
            writer.run()
            report.people_created = writer.people_created
            if dry_run:
                transaction.set_rollback(True)
            elif report.created:
                report.journal_seq = _record(actor, path, report).seq
                _schedule_closing(writer.open_proposals)
    except (IntegrityError, DatabaseError) as exc:
        start, end = writer.lines
        raise ImportRefused(
            [
                LineError(
                    start,
                    _("the database refused lines %(start)d to %(end)d: %(error)s")
                    % {"start": start, "end": end, "error": str(exc)[:200]},
                )
            ]
        ) from exc
    return report


def _record(actor: User | None, path: Path | str, report: ImportReport) -> Any:
    return journal.record(
        actor=actor,
        verb="loomio.imported",
        object_type="decisions.group",
        payload={
            "file": Path(path).name,
            "sha256": report.sha256,
            "dry_run": False,
            "lines": report.lines,
            "created": {t: r.created for t, r in report.tables.items()},
            "existing": {t: r.existing for t, r in report.tables.items()},
            "skipped": {t: r.skipped for t, r in report.tables.items()},
            "people_created": report.people_created,
            "tables_not_imported": report.skipped_tables,
        },
        visibility=Visibility.MEMBERS,
    )


def _schedule_closing(open_proposals: list[tuple[str, datetime]]) -> None:
    """Imported polls still open close on time like the others (the `close_proposals`
    sweep backs this up)."""
    if not open_proposals:
        return

    def enqueue() -> None:
        from django_tasks import default_task_backend

        from cercle.decisions.tasks import close_proposal_when_due

        if not default_task_backend.supports_defer:
            return
        for uuid, closes_at in open_proposals:
            close_proposal_when_due.using(run_after=closes_at).enqueue(uuid)

    transaction.on_commit(enqueue)
