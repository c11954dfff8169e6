"""The second pass's writer: the plumbing (batches read from the file, lookups of what
exists, bulk saves, unique slugs) and the tables of people, groups and threads.
The tables of polls are in `writer_polls`. See `importer` for the whole design."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cercle.core.models import User
from cercle.decisions.enums import GroupKind, GroupVisibility, MembershipRule
from cercle.decisions.loomio import mapping
from cercle.decisions.loomio.reader import Line, LineError, read_lines
from cercle.decisions.loomio.validate import Survey, comment_parent
from cercle.decisions.models import Comment, Group, GroupMembership, Thread
from cercle.network.models import Person

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
class Maps:
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


class Writer:
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
        self.maps = Maps()
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
