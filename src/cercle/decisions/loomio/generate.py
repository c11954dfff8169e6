"""Synthetic Loomio group exports in the real format (tests and the benchmark).

`write_export(path, records=N, seed=…, schema="newer"|"older")` writes exactly N lines,
table after table in the order Loomio's `GroupExportService` does (the group, its
users, events, memberships, discussions, polls, options, outcomes, votes and their
choices, then comments), each record computed from its index: memory stays flat
whatever N. People and texts are invented. The same seed gives the same file; ids
and keys depend on the seed, so files of different seeds do not overlap.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from django.utils.text import slugify

FIRST_NAMES = [
    "Aubin",
    "Bérénice",
    "Clémence",
    "Désiré",
    "Fantine",
    "Gaëlle",
    "Hector",
    "Irène",
    "Josselin",
    "Katell",
    "Lazare",
    "Maëlys",
    "Nestor",
    "Océane",
    "Perrine",
    "Quentin",
    "Rosalie",
    "Sixtine",
    "Tanguy",
    "Ulysse",
    "Violaine",
    "Wandrille",
    "Yvonne",
    "Zélie",
]
LAST_NAMES = [
    "Abadie",
    "Bouvier",
    "Carrel",
    "Delmas",
    "Escoffier",
    "Fournel",
    "Gondran",
    "Hamelin",
    "Isnard",
    "Jaubert",
    "Kerhervé",
    "Lagarde",
    "Maurel",
    "Noblet",
    "Orsini",
    "Pujol",
    "Quéré",
    "Rivoire",
    "Sauvat",
    "Tessier",
    "Vidalenc",
    "Wetzel",
]
TOPICS = (
    "le séminaire annuel",
    "la charte d'engagement",
    "le fonds commun",
    "les lettres de soutien",
    "la formation des accompagnateurs",
    "le budget de l'année",
    "l'accueil des nouveaux membres",
)
POLL_TYPES = ("proposal", "poll", "score", "ranked_choice", "dot_vote", "meeting", "count")
CONSENT = ("agree", "abstain", "disagree", "block")
START = datetime(2019, 3, 4, 8, 30, tzinfo=UTC)


def _key(seed: int, table: str, index: int) -> str:
    raw = hashlib.sha256(f"{seed}:{table}:{index}".encode()).digest()
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(alphabet[b % len(alphabet)] for b in raw[:8])


def _at(minutes: float) -> str:
    moment = START + timedelta(minutes=minutes)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class _Plan:
    """How many rows of each table, and the ids: all computed, nothing stored."""

    def __init__(self, records: int, seed: int, schema: str) -> None:
        if records < 12:
            raise ValueError("an export needs at least 12 records")
        if schema not in ("newer", "older"):
            raise ValueError("schema is 'newer' or 'older'")
        self.seed, self.schema = seed, schema
        self.base = (seed % 2000) * 10_000_000
        budget = records - 1  # the group
        self.users = max(2, budget // 25)
        self.events = budget // 25
        self.memberships = self.users
        self.discussions = max(1, budget // 25)
        self.polls = max(1, budget // 50)
        self.options = self.polls * 4
        self.outcomes = self.polls // 2
        rest = budget - (
            self.users
            + self.events
            + self.memberships
            + self.discussions
            + self.polls
            + self.options
            + self.outcomes
        )
        votes = min(rest // 3, 2 * self.users * self.polls)
        self.stances = votes
        self.choices = votes
        self.comments = rest - 2 * votes
        assert self.comments >= 0

    def id(self, index: int) -> int:
        return self.base + index + 1

    def user(self, index: int) -> int:
        return self.id(index % self.users)


def _user(plan: _Plan, i: int) -> dict[str, Any]:
    first = FIRST_NAMES[i % len(FIRST_NAMES)]
    last = LAST_NAMES[(i // len(FIRST_NAMES)) % len(LAST_NAMES)]
    email = f"{slugify(first)}.{slugify(last)}.{plan.seed}.{i}@exemple.org"
    return {
        "id": plan.id(i),
        "email": email if i % 7 else email.upper(),
        "name": f"{first} {last}",
        "username": f"{first}{last}{i}".lower(),
        "key": _key(plan.seed, "users", i),
        "created_at": _at(i),
        "updated_at": _at(i + 5),
        "deactivated_at": None,
        "is_admin": False,
        "avatar_kind": "initials",
        "avatar_initials": f"{first[0]}{last[0]}",
        "selected_locale": "fr",
        "time_zone": "Europe/Paris",
        "email_verified": True,
        "email_catch_up": True,
        "email_when_mentioned": True,
        "short_bio": "",
        "location": "",
        "memberships_count": 1,
    }


def _poll_type(plan: _Plan, j: int) -> str:
    return POLL_TYPES[j % len(POLL_TYPES)]


def _option_name(plan: _Plan, j: int, n: int) -> tuple[str, str | None]:
    kind = _poll_type(plan, j)
    if kind == "proposal":
        key = CONSENT[n]
        return (key if plan.schema == "older" else f"poll_proposal_options.{key}"), key
    if kind == "meeting":
        return _at(60 * 24 * (j + 10) + 60 * n), None
    if kind == "count":
        return ("yes", "no", "maybe", "later")[n], None
    return f"Option {n + 1} : {TOPICS[(j + n) % len(TOPICS)]}", None


def _score(plan: _Plan, j: int, k: int) -> int:
    kind = _poll_type(plan, j)
    if kind == "score":
        return k % 6
    if kind == "ranked_choice":
        return 1 + k % 4
    if kind == "dot_vote":
        return 1 + k % 5
    if kind == "meeting":
        return k % 3
    return 1


def _records(plan: _Plan) -> Iterator[tuple[str, dict[str, Any]]]:
    older = plan.schema == "older"
    seed = plan.seed
    group_id = plan.id(0)
    group: dict[str, Any] = {
        "id": group_id,
        "name": f"Réseau d'accompagnement n°{seed}",
        "full_name": f"Réseau d'accompagnement n°{seed}",
        "handle": f"reseau-{seed}",
        "key": _key(seed, "groups", 0),
        "description": "<p>Nos échanges et nos décisions.</p>",
        "parent_id": None,
        "created_at": _at(0),
        "is_visible_to_public": False,
        "membership_granted_upon": "approval",
        "discussion_privacy_options": "private_only",
        "members_can_add_members": False,
        "description_format": "html",
    }
    if older:
        group["type"] = "FormalGroup"
    yield "groups", group
    for i in range(plan.users):
        yield "users", _user(plan, i)
    for i in range(plan.events):
        yield (
            "events",
            {
                "id": plan.id(i),
                "kind": "new_comment",
                "eventable_type": "Comment",
                "eventable_id": plan.id(i),
                "user_id": plan.user(i),
                "discussion_id": plan.id(i % plan.discussions),
                "sequence_id": i + 1,
                "created_at": _at(100 + i),
            },
        )
    for i in range(plan.memberships):
        yield (
            "memberships",
            {
                "id": plan.id(i),
                "group_id": group_id,
                "user_id": plan.user(i),
                "admin": i == 0,
                "inviter_id": plan.user(0),
                "volume": 2,
                "created_at": _at(i + 1),
                "accepted_at": _at(i + 2),
                **({} if older else {"revoked_at": None, "title": None}),
            },
        )
    for d in range(plan.discussions):
        topic = TOPICS[d % len(TOPICS)]
        yield (
            "discussions",
            {
                "id": plan.id(d),
                "key": _key(seed, "discussions", d),
                "group_id": group_id,
                "author_id": plan.user(d * 3),
                "title": f"Parlons de {topic} ({d + 1})",
                "description": f"<p>Que faisons-nous pour {topic} ?</p>",
                "description_format": "html",
                "created_at": _at(1000 + d * 60),
                "updated_at": _at(1000 + d * 60 + 5),
                "last_activity_at": _at(1000 + d * 60 + 50),
                "last_comment_at": _at(1000 + d * 60 + 50),
                "closed_at": _at(1000 + d * 60 + 59) if d % 5 == 4 else None,
                "private": True,
                "items_count": 0,
                "max_depth": 2,
                **({} if older else {"discarded_at": None, "pinned_at": None}),
            },
        )
    for j in range(plan.polls):
        kind = _poll_type(plan, j)
        opened = 2000 + j * 90
        closed = j % 3 != 2
        poll: dict[str, Any] = {
            "id": plan.id(j),
            "key": _key(seed, "polls", j),
            "author_id": plan.user(j * 5),
            "title": f"Décidons pour {TOPICS[j % len(TOPICS)]} ({j + 1})",
            "details": "<p>Votre avis compte.</p>",
            "details_format": "html",
            "poll_type": kind,
            "discussion_id": plan.id(j % plan.discussions) if j % 10 != 9 else None,
            "group_id": group_id,
            "created_at": _at(opened),
            "updated_at": _at(opened + 1),
            "closing_at": _at(opened + 60 * 24 * 7),
            "closed_at": _at(opened + 60 * 24 * 7) if closed else None,
            "anonymous": False,
            "voters_count": 0,
            "multiple_choice": False,
        }
        if older:
            poll["hide_results_until_closed"] = j % 4 == 1
            poll["custom_fields"] = {
                "max_score": 5 if kind == "score" else None,
                "dots_per_person": 8 if kind == "dot_vote" else None,
                "minimum_stance_choices": 4 if kind == "ranked_choice" else None,
                "meeting_duration": 60 if kind == "meeting" else None,
                "can_respond_maybe": kind == "meeting",
            }
        else:
            poll.update(
                {
                    "hide_results": "until_closed" if j % 4 == 1 else "off",
                    "stance_reason_required": "required" if j % 4 == 3 else "optional",
                    "specified_voters_only": False,
                    "max_score": 5 if kind == "score" else None,
                    "dots_per_person": 8 if kind == "dot_vote" else None,
                    "minimum_stance_choices": 4 if kind == "ranked_choice" else None,
                    "maximum_stance_choices": None,
                    "poll_option_name_format": (
                        "i18n"
                        if kind == "proposal"
                        else "iso8601"
                        if kind == "meeting"
                        else "plain"
                    ),
                    "discarded_at": None,
                }
            )
        yield "polls", poll
    for o in range(plan.options):
        j, n = divmod(o, 4)
        name, icon = _option_name(plan, j, n)
        option: dict[str, Any] = {
            "id": plan.id(o),
            "name": name,
            "poll_id": plan.id(j),
            "priority": n,
            "score_counts": {},
            "total_score": 0,
            "voter_count": 0,
        }
        if not older:
            option.update({"icon": icon, "meaning": None, "prompt": None})
        yield "poll_options", option
    for t in range(plan.outcomes):
        yield (
            "outcomes",
            {
                "id": plan.id(t),
                "poll_id": plan.id(t * 2),
                "author_id": plan.user(t * 2 * 5),
                "statement": f"<p>Décision n°{t + 1} : nous avançons ainsi.</p>",
                "statement_format": "html",
                "created_at": _at(2000 + t * 2 * 90 + 60 * 24 * 8),
                "latest": True,
            },
        )
    for k in range(plan.stances):
        j, r = k % plan.polls, k // plan.polls
        voter = (r // 2) % plan.users
        again = (r % 2 == 0) and (k + plan.polls) < plan.stances
        cast = _at(2000 + j * 90 + 30 + r)
        stance: dict[str, Any] = {
            "id": plan.id(k),
            "poll_id": plan.id(j),
            "participant_id": plan.id(voter),
            "reason": f"<p>Mon avis, version {r % 2 + 1}.</p>" if k % 3 == 0 else None,
            "latest": not again,
            "created_at": cast,
            "updated_at": cast,
            "reason_format": "html",
        }
        if not older:
            stance.update({"cast_at": cast, "revoked_at": None, "guest": False, "volume": 2})
        yield "stances", stance
    for k in range(plan.choices):
        j = k % plan.polls
        yield (
            "stance_choices",
            {
                "id": plan.id(k),
                "stance_id": plan.id(k),
                "poll_option_id": plan.id(j * 4 + (k % 4)),
                "score": _score(plan, j, k),
                "created_at": _at(2000 + j * 90 + 30),
            },
        )
    for c in range(plan.comments):
        d = c % plan.discussions
        reply = c >= plan.discussions and c % 3 == 0
        comment: dict[str, Any] = {
            "id": plan.id(c),
            "discussion_id": plan.id(d),
            "user_id": plan.user(c * 7),
            "body": f"<p>Réponse n°{c + 1} sur {TOPICS[d % len(TOPICS)]}.</p>",
            "body_format": "html",
            "created_at": _at(1000 + d * 60 + 1 + c / plan.comments * 40),
            "updated_at": _at(1000 + d * 60 + 2),
            "edited_at": None,
            "attachments": [],
        }
        if older:
            comment["parent_id"] = plan.id(c - plan.discussions) if reply else None
        else:
            comment["parent_id"] = plan.id(c - plan.discussions) if reply else plan.id(d)
            comment["parent_type"] = "Comment" if reply else "Discussion"
            comment["discarded_at"] = None
        yield "comments", comment


def _write(handle: TextIO, table: str, record: dict[str, Any]) -> None:
    handle.write(json.dumps({"table": table, "record": record}, ensure_ascii=False))
    handle.write("\n")


def write_export(
    path: Path | str, records: int = 1000, seed: int = 0, schema: str = "newer"
) -> dict[str, int]:
    """Write an export of exactly `records` lines; returns the lines per table."""
    plan = _Plan(records, seed, schema)
    counts: dict[str, int] = {}
    with open(path, "w", encoding="utf-8") as handle:
        for table, record in _records(plan):
            _write(handle, table, record)
            counts[table] = counts.get(table, 0) + 1
    return counts
