"""The Framavox (Loomio) import on the two export files we wrote (older and newer
schema of the same group), through the service and the command."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from django.utils.translation import gettext

from cercle.core.models import JournalEntry, User
from cercle.decisions.enums import (
    GroupKind,
    GroupVisibility,
    PollKind,
    ProposalStatus,
    ReasonRequired,
)
from cercle.decisions.loomio.importer import ImportRefused, loomio_import
from cercle.decisions.models import (
    Comment,
    Group,
    GroupMembership,
    Outcome,
    PollOption,
    Proposal,
    Thread,
    Vote,
    VoteChoice,
)
from cercle.network.models import Person
from tests.factories.decisions_threads import AssociationGroupFactory
from tests.factories.network import PersonFactory

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "loomio"
OLDER = FIXTURES / "older_schema.jsonl"
NEWER = FIXTURES / "newer_schema.jsonl"

pytestmark = pytest.mark.django_db

MODELS = (
    User,
    Person,
    Group,
    GroupMembership,
    Thread,
    Comment,
    Proposal,
    PollOption,
    Vote,
    VoteChoice,
    Outcome,
    JournalEntry,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def run(*args: Any) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_loomio", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_older_schema_imports_fully() -> None:
    before = counts()
    report = loomio_import(actor=None, path=OLDER)
    created = {t: r.created for t, r in report.tables.items()}
    assert created == {
        "users": 4,
        "groups": 1,
        "memberships": 4,
        "discussions": 2,
        "comments": 3,
        "polls": 2,
        "poll_options": 7,
        "stances": 5,
        "stance_choices": 6,
        "outcomes": 1,
    }
    assert report.skipped_tables == {"events": 1, "discussion_readers": 1}
    after = counts()
    assert after["Thread"] - before["Thread"] == 2
    assert after["Vote"] - before["Vote"] == 5
    assert after["JournalEntry"] - before["JournalEntry"] == 1

    group = Group.objects.get(loomio_key="groups:Xq7rT2pB")
    assert group.kind == GroupKind.WORKING_GROUP
    assert group.visibility == GroupVisibility.GROUP
    assert group.memberships.filter(is_admin=True).get().person.first_name == "Bérénice"

    thread = Thread.objects.get(loomio_key="discussions:dS3m1nR2")
    assert thread.author is not None
    assert thread.author.last_name == "Carrel"
    assert thread.created_at == utc("2020-01-06T09:00:00")
    assert thread.last_activity_at == utc("2020-01-20T16:40:00")
    assert "<strong>Vos idées</strong>" in thread.body  # stored as given
    reply = Comment.objects.get(loomio_key="comments:9502")
    assert reply.parent == Comment.objects.get(loomio_key="comments:9501")
    assert reply.edited_at == utc("2020-01-07T08:20:00")

    proposal = Proposal.objects.get(loomio_key="polls:pSem2020")
    assert proposal.kind == PollKind.PROPOSAL
    assert proposal.status == ProposalStatus.CLOSED
    assert proposal.thread == thread
    assert proposal.opened_at == utc("2020-01-08T10:00:00")
    assert proposal.closes_at == utc("2020-01-15T10:00:00")
    assert proposal.closed_at == utc("2020-01-15T10:00:03")
    assert proposal.reason_required == ReasonRequired.NEVER
    assert list(proposal.options.values_list("key", flat=True)) == [
        "agree",
        "abstain",
        "disagree",
        "block",
    ]
    latest = {
        v.voter.first_name: v.choices.get().option.key
        for v in proposal.votes.filter(is_latest=True).select_related("voter")
    }
    assert latest == {"Bérénice": "agree", "Hector": "agree", "Sixtine": "block"}
    history = proposal.votes.get(is_latest=False)
    assert history.voter.first_name == "Hector"
    assert history.choices.get().option.key == "disagree"
    assert history.cast_at == utc("2020-01-09T08:00:00")
    outcome = proposal.outcomes.get()
    assert outcome.author is not None
    assert outcome.author.first_name == "Bérénice"
    assert outcome.created_at == utc("2020-01-16T08:00:00")

    several = Proposal.objects.get(loomio_key="polls:pChoix20")
    assert several.kind == PollKind.MULTIPLE_CHOICE
    assert several.status == ProposalStatus.OPEN  # still open in that export
    assert several.hide_results_until_closed is True
    assert several.min_choices == 1
    assert several.max_choices == 2
    vote = several.votes.get()
    assert sorted(vote.choices.values_list("option__label", flat=True)) == ["Lyon", "Nantes"]


def test_newer_schema_imports_fully() -> None:
    report = loomio_import(actor=None, path=NEWER)
    results = {t: (r.created, r.skipped) for t, r in report.tables.items()}
    assert results == {
        "users": (6, 0),
        "groups": (1, 0),
        "memberships": (5, 1),  # a revoked membership
        "discussions": (3, 1),  # a discarded thread
        "comments": (7, 1),  # the discarded thread's comment
        "polls": (4, 0),
        "poll_options": (12, 0),
        "stances": (9, 1),  # an invitation never answered
        "stance_choices": (15, 0),
        "outcomes": (2, 0),
    }
    assert report.people_created == 6
    assert set(report.skipped_tables) == {"events", "notifications", "topic_readers"}

    # Deactivated people without an address get one in the reserved .invalid domain.
    former = Person.objects.get(first_name="Désiré")
    assert former.user.email.endswith("@framavox.invalid")
    assert not former.user.has_usable_password()
    assert not Thread.objects.filter(title="Brouillon supprimé").exists()

    proposal = Proposal.objects.get(loomio_key="polls:pSem2020")
    assert list(proposal.options.values_list("key", flat=True)) == [
        "agree",
        "abstain",
        "disagree",
        "block",
    ]
    ranked = Proposal.objects.get(loomio_key="polls:pRank24a")
    assert ranked.kind == PollKind.RANKED_CHOICE
    assert ranked.reason_required == ReasonRequired.ALWAYS
    ranks = dict(
        VoteChoice.objects.filter(vote__loomio_key="stances:7106").values_list(
            "option__label", "value"
        )
    )
    assert ranks == {
        "Soutenir les projets ruraux": 1,
        "Former les accompagnateurs": 2,
        "Outiller le réseau": 3,
    }
    assert ranked.outcomes.get().statement == "Priorité aux projets ruraux."

    meeting = Proposal.objects.get(loomio_key="polls:pMeet24b")
    assert meeting.kind == PollKind.MEETING
    assert meeting.thread is None
    assert meeting.group.loomio_key == "groups:Xq7rT2pB"
    assert meeting.status == ProposalStatus.OPEN
    assert meeting.closes_at == utc("2030-06-01T09:00:00")
    starts = list(meeting.options.values_list("starts_at", flat=True))
    assert starts == [utc("2024-03-12T17:00:00"), utc("2024-03-14T00:00:00")]
    assert meeting.votes.count() == 1  # the invitation without a vote is left aside

    # A comment answering a vote becomes a comment of the thread; a deleted one stays deleted.
    answer = Comment.objects.get(loomio_key="comments:9506")
    assert answer.parent is None
    assert answer.thread.loomio_key == "discussions:dS3m1nR2"
    assert Comment.objects.get(loomio_key="comments:9508").deleted_at is not None
    assert Comment.objects.get(loomio_key="comments:9505").parent == Comment.objects.get(
        loomio_key="comments:9504"
    )


def test_existing_accounts_are_matched_by_email_whatever_the_case() -> None:
    sixtine = PersonFactory(user__email="sixtine.rivoire@exemple.org", first_name="Sixtine")
    report = loomio_import(actor=None, path=OLDER)
    assert report.tables["users"].created == 3
    assert report.tables["users"].existing == 1
    assert Vote.objects.get(loomio_key="stances:7104").voter == sixtine


def test_a_dry_run_writes_nothing_and_says_what_it_would_do() -> None:
    before = counts()
    with translation.override("fr"):
        out, _err = run(NEWER, "--dry-run")
        assert gettext("Dry run: nothing was written.") in out
        assert gettext("would create") in out
    assert counts() == before


def test_a_dry_run_after_an_import_counts_what_exists() -> None:
    loomio_import(actor=None, path=OLDER)
    report = loomio_import(actor=None, path=NEWER, dry_run=True)
    assert report.tables["polls"].created == 2
    assert report.tables["polls"].existing == 2
    assert report.tables["users"].existing == 4


def test_a_repeated_import_creates_nothing_and_says_so() -> None:
    loomio_import(actor=None, path=NEWER)
    before = counts()
    with translation.override("fr"):
        out, _err = run(NEWER)
        assert gettext("Nothing new: everything in this file was already imported.") in out
    assert counts() == before


def test_a_newer_export_of_the_same_group_adds_only_what_is_new() -> None:
    loomio_import(actor=None, path=OLDER)
    before = counts()
    report = loomio_import(actor=None, path=NEWER)
    assert report.tables["polls"].created == 2
    assert report.tables["stances"].created == 4
    assert report.tables["users"].created == 2
    after = counts()
    assert after["Proposal"] - before["Proposal"] == 2
    assert after["Group"] == before["Group"]
    # Nestor changed his vote after the first import: the old one is history now.
    several = Proposal.objects.get(loomio_key="polls:pChoix20")
    assert several.votes.get(is_latest=True).loomio_key == "stances:7110"
    assert several.votes.get(is_latest=False).loomio_key == "stances:7105"
    # and the poll, open then, closed since.
    assert several.status == ProposalStatus.CLOSED
    assert several.closed_at == utc("2020-02-18T10:00:01")
    # then nothing more
    assert loomio_import(actor=None, path=NEWER).created == 0


def test_one_journal_entry_per_import_with_counts_and_the_files_hash() -> None:
    loomio_import(actor=None, path=OLDER)
    entry = JournalEntry.objects.get(verb="loomio.imported")
    assert entry.visibility == "members"
    assert entry.payload["sha256"] == hashlib.sha256(OLDER.read_bytes()).hexdigest()
    assert entry.payload["dry_run"] is False
    assert entry.payload["created"]["comments"] == 3
    assert entry.payload["people_created"] == 4
    loomio_import(actor=None, path=OLDER)  # nothing new: no second entry
    assert JournalEntry.objects.filter(verb="loomio.imported").count() == 1


def test_a_malformed_line_is_reported_by_number_and_nothing_is_imported(tmp_path: Path) -> None:
    lines = OLDER.read_text(encoding="utf-8").splitlines()
    lines[16] = lines[16][:40]  # line 17: cut in the middle of its JSON
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = counts()
    with pytest.raises(ImportRefused) as refused:
        loomio_import(actor=None, path=broken)
    # line 17, and line 29 whose vote chose the option line 17 held
    assert [error.line for error in refused.value.errors] == [17, 29]
    with translation.override("fr"), pytest.raises(CommandError) as failed:
        run(broken)
    assert counts() == before
    with translation.override("fr"):
        assert str(failed.value) == gettext("Nothing was imported: %(n)d line(s) are wrong.") % {
            "n": 2
        }


def test_the_command_names_the_line_on_stderr(tmp_path: Path) -> None:
    lines = OLDER.read_text(encoding="utf-8").splitlines()
    lines[16] = "{not json"
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    err = StringIO()
    with translation.override("fr"), pytest.raises(CommandError):
        call_command("import_loomio", str(broken), stdout=StringIO(), stderr=err)
    with translation.override("fr"):
        expected = gettext("line %(line)d: %(message)s") % {
            "line": 17,
            "message": gettext("the line is not valid JSON"),
        }
    assert expected in err.getvalue()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["record"].update(poll_id=123456), "the file does not hold"),
        (lambda r: r["record"].pop("table", None) or r.pop("table"), "table"),
        (lambda r: r["record"].update(created_at="le 3 mars"), "not a date"),
    ],
)
def test_wrong_lines_are_refused(tmp_path: Path, change: Any, message: str) -> None:
    import json

    lines = OLDER.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[22])  # outcome 9301
    change(record)
    lines[22] = json.dumps(record)
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = counts()
    with translation.override("en"), pytest.raises(ImportRefused) as refused:
        loomio_import(actor=None, path=broken)
    assert refused.value.errors[0].line == 23
    assert message in str(refused.value.errors[0])
    assert counts() == before


def test_an_unknown_table_is_skipped_with_a_note(tmp_path: Path) -> None:
    text = OLDER.read_text(encoding="utf-8") + '{"table":"mystery","record":{"id":1}}\n'
    path = tmp_path / "more.jsonl"
    path.write_text(text, encoding="utf-8")
    with translation.override("fr"):
        out, _err = run(path)
        assert (
            gettext("Note: table “%(table)s” is not imported (%(n)d line(s) skipped).")
            % {"table": "mystery", "n": 1}
        ) in out


def test_group_slug_puts_the_export_into_an_existing_group() -> None:
    association = AssociationGroupFactory()
    run(OLDER, "--group-slug", association.slug)
    association.refresh_from_db()
    assert association.kind == GroupKind.ASSOCIATION
    assert association.loomio_key == "groups:Xq7rT2pB"
    assert association.threads.count() == 2
    assert not Group.objects.exclude(pk=association.pk).filter(loomio_key__startswith="groups:")
    # later runs find it by its key
    loomio_import(actor=None, path=NEWER)
    assert association.threads.count() == 3


def test_group_slug_must_name_an_existing_group() -> None:
    before = counts()
    with pytest.raises(CommandError):
        run(OLDER, "--group-slug", "nulle-part")
    with pytest.raises(CommandError):
        run(OLDER, "--group-slug", "inconnu=nulle-part")
    assert counts() == before


def test_progress_is_shown_on_stderr() -> None:
    _out, err = run(NEWER, "--progress-every", "10", "--batch-size", "3")
    assert err.count("\n") >= 10
    assert "stance_choices" in err


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        run(tmp_path / "absent.jsonl")
