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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.models import User
from cercle.decisions.enums import (
    CONSENT_OPTIONS,
    ConsentChoice,
    GroupKind,
    GroupVisibility,
    MembershipRule,
    PollKind,
    ProposalStatus,
)
from cercle.decisions.loomio import mapping
from cercle.decisions.loomio.reader import Line, LineError, read_lines
from cercle.decisions.loomio.validate import Survey, comment_parent, survey_file
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

# In a dry run, the primary key of a row that would be created.
NEW = -1

# What each Loomio table becomes, for reports.
TARGETS: dict[str, str] = {
    "users": "people",
    "groups": "groups",
    "memberships": "group members",
    "discussions": "threads",
    "comments": "comments",
    "polls": "proposals",
    "poll_options": "options",
    "stances": "votes",
    "stance_choices": "vote choices",
    "outcomes": "outcomes",
}


@dataclass
class TableResult:
    created: int = 0
    existing: int = 0
    skipped: int = 0


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


class ImportRefused(Exception):
    """The file (or the options) cannot be imported; nothing was written."""

    def __init__(
        self,
        errors: list[LineError],
        *,
        error_count: int | None = None,
        problems: Sequence[str] = (),
    ) -> None:
        self.errors = errors
        self.error_count = len(errors) if error_count is None else error_count
        self.problems = list(problems)
        super().__init__("; ".join([*self.problems, *(str(e) for e in errors[:5])]))


ProgressFn = Callable[[str], None]


@dataclass
class _Maps:
    users: dict[int, int | None] = field(default_factory=dict)
    emails: dict[str, int] = field(default_factory=dict)
    groups: dict[int, int] = field(default_factory=dict)
    # discussion id → (thread pk or None when not imported, group pk)
    discussions: dict[int, tuple[int | None, int]] = field(default_factory=dict)
    comments: dict[int, int | None] = field(default_factory=dict)
    # poll id → (proposal pk, kind, ranked points)
    polls: dict[int, tuple[int, str, int | None]] = field(default_factory=dict)
    # option id → (option pk, poll kind, ranked points)
    options: dict[int, tuple[int, str, int | None]] = field(default_factory=dict)
    stances: dict[int, int | None] = field(default_factory=dict)


class _Writer:
    def __init__(
        self,
        path: Path | str,
        survey: Survey,
        *,
        dry_run: bool,
        group_targets: dict[int, Group],
        batch_size: int,
        progress: ProgressFn | None,
        progress_every: int = 10_000,
    ) -> None:
        self.path = path
        self.progress_every = max(1, progress_every)
        self.survey = survey
        self.dry_run = dry_run
        self.group_targets = group_targets
        self.batch_size = batch_size
        self.progress = progress
        self.maps = _Maps()
        self.results: dict[str, TableResult] = {t: TableResult() for t in mapping.IMPORTED_TABLES}
        self.people_created = 0
        self.slugs_taken: dict[type[Any], set[str]] = {Person: set(), Group: set()}
        self.lines: tuple[int, int] = (0, 0)
        self.existing_threads: set[int] = set()
        self.thread_bumps: dict[int, datetime] = {}
        self.late_parents: list[tuple[int, int]] = []
        self.consent_keys: set[tuple[int, str]] = set()
        self.open_proposals: list[tuple[str, datetime]] = []
        self.now = timezone.now()

    # ------------------------------------------------------------ plumbing

    def batches(self, table: str) -> Iterator[list[Line]]:
        batch: list[Line] = []
        done = 0
        total = self.survey.counts[table]
        for item in read_lines(self.path, tables=frozenset({table})):
            if isinstance(item, LineError):  # the first pass saw the file whole and sound
                raise ImportRefused([item])
            batch.append(item)
            if len(batch) >= self.batch_size:
                self.lines = (batch[0].number, batch[-1].number)
                yield batch
                before, done = done, done + len(batch)
                if done // self.progress_every > before // self.progress_every:
                    self._say(table, done, total)
                batch = []
        if batch:
            self.lines = (batch[0].number, batch[-1].number)
            yield batch
            done += len(batch)
        self._say(table, done, total)

    def _say(self, table: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(
                _("%(table)s: %(done)d of %(total)d read")
                % {"table": table, "done": done, "total": total}
            )

    def existing(self, model: type[Any], lines: list[Line], table: str) -> dict[str, int]:
        keys = [mapping.loomio_key(table, line.record) for line in lines]
        return dict(model.objects.filter(loomio_key__in=keys).values_list("loomio_key", "pk"))

    def save(self, model: type[Any], rows: list[Any]) -> None:
        if rows and not self.dry_run:
            model.objects.bulk_create(rows, batch_size=self.batch_size)

    def unique_slug(self, model: type[Any], base: str) -> str:
        root = slugify(base)[:100] or "framavox"
        taken = self.slugs_taken[model]
        if root not in taken:
            taken.update(model.objects.filter(slug__startswith=root).values_list("slug", flat=True))
            taken.add(f"{root}:seen")
        candidate, n = root, 1
        while candidate in taken:
            n += 1
            candidate = f"{root}-{n}"
        taken.add(candidate)
        return candidate

    def person(self, user_id: Any) -> int | None:
        return self.maps.users.get(user_id) if user_id is not None else None

    # ------------------------------------------------------------ tables

    def run(self) -> None:
        for table in mapping.IMPORTED_TABLES:
            if self.survey.counts[table]:
                getattr(self, f"_write_{table}")()

    def _write_users(self) -> None:
        result = self.results["users"]
        for batch in self.batches("users"):
            emails = {mapping.user_email(line.record) for line in batch} - set(self.maps.emails)
            found = dict(
                Person.objects.annotate(address=Lower("user__email"))
                .filter(address__in=emails)
                .values_list("address", "pk")
            )
            lonely = dict(
                User.objects.annotate(address=Lower("email"))
                .filter(address__in=set(emails) - set(found), person__isnull=True)
                .values_list("address", "pk")
            )
            new_users: list[User] = []
            new_people: list[tuple[str, Person]] = []
            for line in batch:
                record = line.record
                email = mapping.user_email(record)
                if email in self.maps.emails:
                    result.existing += 1
                elif email in found:
                    self.maps.emails[email] = found[email]
                    result.existing += 1
                else:
                    first, last = mapping.split_name(record)
                    person = Person(
                        user_id=lonely.get(email),  # type: ignore[misc]
                        slug=self.unique_slug(Person, f"{first} {last}"),
                        first_name=first,
                        last_name=last,
                    )
                    if email not in lonely:
                        new_users.append(
                            User(
                                email=email,
                                first_name=first[:150],
                                last_name=last[:150],
                                password=make_password(None),
                                date_joined=mapping.when(record, "created_at") or self.now,
                            )
                        )
                    new_people.append((email, person))
                    self.maps.emails[email] = NEW
                    result.created += 1
                self.maps.users[record["id"]] = self.maps.emails[email]
            self.people_created += len(new_people)
            if self.dry_run:
                continue
            self.save(User, new_users)
            user_pks = {user.email: user.pk for user in new_users}
            for email, person in new_people:
                if person.user_id is None:
                    person.user_id = user_pks[email]
            self.save(Person, [person for _email, person in new_people])
            for email, person in new_people:
                self.maps.emails[email] = person.pk
            for line in batch:
                self.maps.users[line.record["id"]] = self.maps.emails[
                    mapping.user_email(line.record)
                ]

    def _write_groups(self) -> None:
        result = self.results["groups"]
        for batch in self.batches("groups"):
            existing = self.existing(Group, batch, "groups")
            rows: list[tuple[int, Group]] = []
            for line in batch:
                record, key = line.record, mapping.loomio_key("groups", line.record)
                target = self.group_targets.get(record["id"])
                if target is not None:
                    if not target.loomio_key and not self.dry_run:
                        Group.objects.filter(pk=target.pk).update(loomio_key=key)
                    self.maps.groups[record["id"]] = target.pk
                    result.existing += 1
                elif key in existing:
                    self.maps.groups[record["id"]] = existing[key]
                    result.existing += 1
                else:
                    name = mapping.clip(record.get("name"), mapping.TITLE_MAX)
                    handle = record.get("handle") if isinstance(record.get("handle"), str) else ""
                    group = Group(
                        slug=self.unique_slug(Group, handle or name),
                        name=name,
                        kind=GroupKind.WORKING_GROUP,
                        description=mapping.text_of(record.get("description")),
                        membership_rule=MembershipRule.LISTED,
                        visibility=GroupVisibility.GROUP,
                        loomio_key=key,
                    )
                    rows.append((record["id"], group))
                    self.maps.groups[record["id"]] = NEW
                    result.created += 1
            self.save(Group, [group for _id, group in rows])
            if not self.dry_run:
                for loomio_id, group in rows:
                    self.maps.groups[loomio_id] = group.pk

    def _write_memberships(self) -> None:
        result = self.results["memberships"]
        for batch in self.batches("memberships"):
            pairs: dict[tuple[int, int], Line] = {}
            for line in batch:
                record = line.record
                group = self.maps.groups[record["group_id"]]
                person = self.maps.users[record["user_id"]]
                if record.get("revoked_at") is not None or person is None:
                    result.skipped += 1
                elif NEW in (group, person):  # a dry run: the group or person is new
                    result.created += 1
                elif (group, person) in pairs:
                    result.existing += 1
                else:
                    pairs[(group, person)] = line
            there = set(
                GroupMembership.objects.filter(
                    group_id__in={g for g, _p in pairs}, person_id__in={p for _g, p in pairs}
                ).values_list("group_id", "person_id")
            )
            rows = []
            for (group, person), line in pairs.items():
                if (group, person) in there:
                    result.existing += 1
                    continue
                result.created += 1
                rows.append(
                    GroupMembership(
                        group_id=group, person_id=person, is_admin=line.record.get("admin") is True
                    )
                )
            self.save(GroupMembership, rows)

    def _write_discussions(self) -> None:
        result = self.results["discussions"]
        for batch in self.batches("discussions"):
            found = {
                key: (pk, group)
                for key, pk, group in Thread.objects.filter(
                    loomio_key__in=[mapping.loomio_key("discussions", ln.record) for ln in batch]
                ).values_list("loomio_key", "pk", "group_id")
            }
            rows: list[tuple[int, Thread]] = []
            for line in batch:
                record, key = line.record, mapping.loomio_key("discussions", line.record)
                group = self.maps.groups[record["group_id"]]
                if record["id"] in self.survey.discarded_discussions:
                    self.maps.discussions[record["id"]] = (None, group)
                    result.skipped += 1
                elif key in found:
                    self.maps.discussions[record["id"]] = found[key]
                    self.existing_threads.add(found[key][0])
                    result.existing += 1
                else:
                    created = mapping.must(record, "created_at")
                    thread = Thread(
                        group_id=group,
                        title=mapping.clip(record.get("title"), mapping.TITLE_MAX),
                        body=mapping.text_of(record.get("description")),
                        author_id=self.person(record.get("author_id")),
                        created_at=created,
                        last_activity_at=mapping.when(record, "last_activity_at")
                        or mapping.when(record, "last_comment_at")
                        or created,
                        closed_at=mapping.when(record, "closed_at"),
                        loomio_key=key,
                    )
                    rows.append((record["id"], thread))
                    self.maps.discussions[record["id"]] = (NEW, group)
                    result.created += 1
            self.save(Thread, [thread for _id, thread in rows])
            if not self.dry_run:
                for loomio_id, thread in rows:
                    self.maps.discussions[loomio_id] = (thread.pk, thread.group_id)

    def _write_comments(self) -> None:
        result = self.results["comments"]
        for batch in self.batches("comments"):
            existing = self.existing(Comment, batch, "comments")
            rows: list[tuple[int, Comment, int | None]] = []
            for line in batch:
                record, key = line.record, mapping.loomio_key("comments", line.record)
                thread, _group = self.maps.discussions[record["discussion_id"]]
                if thread is None:
                    self.maps.comments[record["id"]] = None
                    result.skipped += 1
                    continue
                if key in existing:
                    self.maps.comments[record["id"]] = existing[key]
                    result.existing += 1
                    continue
                answers = comment_parent(record)
                parent_pk, late = None, None
                if answers is not None and answers[0] == "comments":
                    parent_pk = self.maps.comments.get(answers[1], NEW)
                    if parent_pk == NEW:  # in this batch, or further in the file
                        parent_pk, late = None, int(answers[1])
                created = mapping.must(record, "created_at")
                comment = Comment(
                    thread_id=thread,
                    parent_id=parent_pk,
                    author_id=self.person(record.get("user_id")),
                    body=mapping.text_of(record.get("body")),
                    created_at=created,
                    edited_at=mapping.when(record, "edited_at"),
                    deleted_at=mapping.when(record, "discarded_at"),
                    loomio_key=key,
                )
                rows.append((record["id"], comment, late))
                self.maps.comments[record["id"]] = NEW
                result.created += 1
                if thread in self.existing_threads:
                    latest = self.thread_bumps.get(thread)
                    self.thread_bumps[thread] = created if latest is None else max(latest, created)
            self.save(Comment, [comment for _id, comment, _late in rows])
            if not self.dry_run:
                for loomio_id, comment, late in rows:
                    self.maps.comments[loomio_id] = comment.pk
                    if late is not None:
                        self.late_parents.append((comment.pk, late))
        if self.dry_run:
            return
        fixes = []
        for pk, late_parent in self.late_parents:
            parent_pk = self.maps.comments.get(late_parent)
            if parent_pk:
                fixes.append(Comment(pk=pk, parent_id=parent_pk))
        Comment.objects.bulk_update(fixes, ["parent"], batch_size=self.batch_size)
        for thread, latest in self.thread_bumps.items():
            Thread.objects.filter(pk=thread, last_activity_at__lt=latest).update(
                last_activity_at=latest
            )

    def _write_polls(self) -> None:
        result = self.results["polls"]
        for batch in self.batches("polls"):
            existing = self.existing(Proposal, batch, "polls")
            rows: list[tuple[int, Proposal]] = []
            closing: dict[int, datetime] = {}
            for line in batch:
                record, key = line.record, mapping.loomio_key("polls", line.record)
                kind: str = mapping.poll_kind(record)
                points = mapping.ranked_points(record)
                if key in existing:
                    self.maps.polls[record["id"]] = (existing[key], kind, points)
                    result.existing += 1
                    closed_since = mapping.when(record, "closed_at")
                    if closed_since is not None:
                        closing[existing[key]] = closed_since
                    continue
                thread, group = None, None
                if record.get("discussion_id") is not None:
                    thread, group = self.maps.discussions[record["discussion_id"]]
                if group is None or (thread is None and record.get("group_id") is not None):
                    group = self.maps.groups[record["group_id"]]
                opened, closes, closed = mapping.proposal_dates(record)
                if record.get("discarded_at") is not None:
                    status = ProposalStatus.CANCELLED
                elif closed is not None:
                    status = ProposalStatus.CLOSED
                else:
                    status = ProposalStatus.OPEN
                proposal = Proposal(
                    group_id=group,
                    thread_id=thread,
                    kind=kind,
                    title=mapping.clip(record.get("title"), mapping.TITLE_MAX),
                    details=mapping.text_of(record.get("details")),
                    author_id=self.person(record.get("author_id")),
                    status=status,
                    opened_at=opened,
                    closes_at=closes,
                    closed_at=closed,
                    anonymous=record.get("anonymous") is True,
                    hide_results_until_closed=mapping.hide_results_until_closed(record),
                    reason_required=mapping.reason_required(record),
                    voters_limited=record.get("specified_voters_only") is True,
                    min_choices=mapping.small_int(
                        mapping.setting(record, "minimum_stance_choices")
                    ),
                    max_choices=mapping.small_int(
                        mapping.setting(record, "maximum_stance_choices")
                    ),
                    max_score=mapping.small_int(mapping.setting(record, "max_score")),
                    dots_per_voter=mapping.small_int(mapping.setting(record, "dots_per_person")),
                    loomio_key=key,
                )
                rows.append((record["id"], proposal))
                self.maps.polls[record["id"]] = (NEW, kind, points)
                result.created += 1
            self.save(Proposal, [proposal for _id, proposal in rows])
            self._close_since(closing)
            if not self.dry_run:
                for loomio_id, proposal in rows:
                    _pk, kind, points = self.maps.polls[loomio_id]
                    self.maps.polls[loomio_id] = (proposal.pk, kind, points)
                    if proposal.status == ProposalStatus.OPEN:
                        self.open_proposals.append((str(proposal.uuid), proposal.closes_at))

    def _close_since(self, closing: dict[int, datetime]) -> None:
        """Proposals open at the last import that Loomio closed since."""
        if not closing or self.dry_run:
            return
        still_open = Proposal.objects.filter(pk__in=closing, status=ProposalStatus.OPEN)
        for pk in still_open.values_list("pk", flat=True):
            Proposal.objects.filter(pk=pk).update(
                status=ProposalStatus.CLOSED, closed_at=closing[pk]
            )

    def _write_poll_options(self) -> None:
        result = self.results["poll_options"]
        for batch in self.batches("poll_options"):
            existing = self.existing(PollOption, batch, "poll_options")
            rows: list[tuple[int, PollOption]] = []
            for line in batch:
                record, key = line.record, mapping.loomio_key("poll_options", line.record)
                proposal, kind, points = self.maps.polls[record["poll_id"]]
                if key in existing:
                    self.maps.options[record["id"]] = (existing[key], kind, points)
                    result.existing += 1
                    continue
                option_key = mapping.consent_key(kind, record)
                if option_key and (record["poll_id"], option_key) not in self.consent_keys:
                    self.consent_keys.add((record["poll_id"], option_key))
                    with translation.override(settings.LANGUAGE_CODE):
                        label = str(ConsentChoice(option_key).label)
                else:
                    option_key = f"lm{record['id']}"
                    label = mapping.option_label(record)
                priority = record.get("priority")
                position = min(priority, 32767) if mapping.is_id(priority) else 0
                option = PollOption(
                    proposal_id=proposal,
                    key=option_key,
                    label=label,
                    position=position,
                    starts_at=mapping.option_starts_at(kind, record),
                    loomio_key=key,
                )
                if kind in CONSENT_OPTIONS and option_key in CONSENT_OPTIONS[PollKind(kind)]:
                    option.position = CONSENT_OPTIONS[PollKind(kind)].index(option_key) + 1
                rows.append((record["id"], option))
                self.maps.options[record["id"]] = (NEW, kind, points)
                result.created += 1
            self.save(PollOption, [option for _id, option in rows])
            if not self.dry_run:
                for loomio_id, option in rows:
                    _pk, kind, points = self.maps.options[loomio_id]
                    self.maps.options[loomio_id] = (option.pk, kind, points)

    def _write_stances(self) -> None:
        result = self.results["stances"]
        if not self.dry_run:
            # Votes imported before as latest that a newer export shows as history.
            for batch in self.batches("stances"):
                keys = [
                    mapping.loomio_key("stances", line.record)
                    for line in batch
                    if line.record.get("latest") is False
                ]
                if keys:
                    Vote.objects.filter(loomio_key__in=keys, is_latest=True).update(is_latest=False)
        for batch in self.batches("stances"):
            existing = self.existing(Vote, batch, "stances")
            rows: list[tuple[int, Vote]] = []
            for line in batch:
                record, key = line.record, mapping.loomio_key("stances", line.record)
                if record["id"] in self.survey.not_votes:
                    self.maps.stances[record["id"]] = None
                    result.skipped += 1
                    continue
                if key in existing:
                    self.maps.stances[record["id"]] = existing[key]
                    result.existing += 1
                    continue
                proposal, _kind, _points = self.maps.polls[record["poll_id"]]
                voter = self.maps.users[record["participant_id"]]
                if voter is None:
                    raise ImportRefused([LineError(line.number, _("the voter is not known"))])
                vote = Vote(
                    proposal_id=proposal,
                    voter_id=voter,
                    reason=mapping.text_of(record.get("reason")),
                    cast_at=mapping.when(record, "cast_at") or mapping.must(record, "created_at"),
                    is_latest=record.get("latest") is not False,
                    loomio_key=key,
                )
                rows.append((record["id"], vote))
                self.maps.stances[record["id"]] = NEW
                result.created += 1
            self.save(Vote, [vote for _id, vote in rows])
            if not self.dry_run:
                for loomio_id, vote in rows:
                    self.maps.stances[loomio_id] = vote.pk

    def _write_stance_choices(self) -> None:
        result = self.results["stance_choices"]
        for batch in self.batches("stance_choices"):
            wanted: dict[tuple[int, int], Line] = {}
            for line in batch:
                record = line.record
                vote = self.maps.stances[record["stance_id"]]
                option, _kind, _points = self.maps.options[record["poll_option_id"]]
                if vote is None:
                    result.skipped += 1
                elif NEW in (vote, option):  # a dry run: the vote or option is new
                    result.created += 1
                elif (vote, option) in wanted:
                    result.existing += 1
                else:
                    wanted[(vote, option)] = line
            there = set(
                VoteChoice.objects.filter(
                    vote_id__in={v for v, _o in wanted}, option_id__in={o for _v, o in wanted}
                ).values_list("vote_id", "option_id")
            )
            rows = []
            for (vote, option), line in wanted.items():
                if (vote, option) in there:
                    result.existing += 1
                    continue
                _option, kind, points = self.maps.options[line.record["poll_option_id"]]
                value = mapping.choice_value(kind, line.record.get("score", 1), points)
                rows.append(VoteChoice(vote_id=vote, option_id=option, value=value))
                result.created += 1
            self.save(VoteChoice, rows)

    def _write_outcomes(self) -> None:
        result = self.results["outcomes"]
        for batch in self.batches("outcomes"):
            existing = self.existing(Outcome, batch, "outcomes")
            rows = []
            for line in batch:
                record, key = line.record, mapping.loomio_key("outcomes", line.record)
                if key in existing:
                    result.existing += 1
                    continue
                proposal, _kind, _points = self.maps.polls[record["poll_id"]]
                rows.append(
                    Outcome(
                        proposal_id=proposal,
                        statement=mapping.text_of(record.get("statement")),
                        author_id=self.person(record.get("author_id")),
                        created_at=mapping.must(record, "created_at"),
                        loomio_key=key,
                    )
                )
                result.created += 1
            self.save(Outcome, rows)


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
    writer = _Writer(
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
