"""How a Loomio export's fields become Cercle's, for the two schemas we support.

The schema is recognised record by record, from the fields the record carries, so a
file mixing versions (an old group's history exported by a newer Loomio) also reads.

==============  ==========================================  ==========================================
table           older schema (Loomio 1.x–2.x, c. 2017–2020)  newer schema (Loomio ≥ 2.9, c. 2021–2024)
==============  ==========================================  ==========================================
users           id, key, email, name, username, created_at   same, email may be null for deactivated
                                                             accounts (we then invent an address in
                                                             the reserved ``.invalid`` domain)
groups          id, key, name, handle, full_name,            same, without ``type``
                description, parent_id, created_at, type
memberships     id, group_id, user_id, admin, created_at     same, plus ``revoked_at`` (revoked → skipped)
discussions     id, key, group_id, author_id, title,         same, plus ``discarded_at`` (discarded
                description, created_at, closed_at,          threads are not imported, nor their
                last_activity_at / last_comment_at           comments; their polls go to the group)
comments        id, discussion_id, user_id, body, parent_id  ``parent_id`` + ``parent_type``
                (always a comment), created_at, edited_at    ("Comment", "Discussion", "Stance"…; only
                                                             "Comment" makes a reply), discarded_at
polls           id, key, discussion_id, group_id, author_id, same, but settings at the top level:
                title, details, poll_type, created_at,       ``hide_results`` ("off", "until_vote",
                closing_at, closed_at, anonymous,            "until_closed" or 0/1/2),
                ``multiple_choice``, ``hide_results_until_   ``stance_reason_required`` ("disabled",
                closed`` (bool), ``require_stance_reason``   "optional", "required",
                (bool), ``custom_fields`` {max_score,         "required_for_disagree_or_block"… or an
                dots_per_person, minimum_stance_choices…}    integer), ``minimum_stance_choices``,
                                                             ``maximum_stance_choices``, ``max_score``,
                                                             ``dots_per_person``, ``specified_voters_
                                                             only``, ``poll_option_name_format``,
                                                             ``default_duration_in_days``
poll_options    id, poll_id, name ("agree", "block", a       same, plus ``icon`` ("agree"…) and
                date…), priority                             ``meaning``; ``name`` may be an i18n key
                                                             ("poll_proposal_options.agree")
stances         id, poll_id, participant_id, reason,         same, plus ``cast_at`` (null: invited but
                latest, created_at                           not voted → not a vote) and
                                                             ``revoked_at`` (revoked → not a vote)
stance_choices  id, stance_id, poll_option_id, score         same
outcomes        id, poll_id, author_id, statement,           same, plus ``poll_option_id``,
                created_at, latest                           ``review_on`` (ignored)
==============  ==========================================  ==========================================

Poll types: ``proposal`` → consent proposal; ``poll`` → one choice (several when
``multiple_choice`` or more than one choice is allowed); ``count``, ``check`` (sense
check) and ``question`` → one choice; ``score``, ``ranked_choice``, ``dot_vote`` and
``meeting`` → their namesakes. A ranked choice's Loomio score (points, the first choice
highest) becomes a rank (1 = first): ``rank = minimum_stance_choices − score + 1``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, TypeGuard

from django.utils.text import slugify

from cercle.decisions.enums import CONSENT_OPTIONS, PollKind, ReasonRequired

# The tables Cercle imports, in the order they are written (parents first).
IMPORTED_TABLES: tuple[str, ...] = (
    "users",
    "groups",
    "memberships",
    "discussions",
    "comments",
    "polls",
    "poll_options",
    "stances",
    "stance_choices",
    "outcomes",
)

# Foreign keys checked and used: (field, target table, required).
REFERENCES: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "memberships": (("group_id", "groups", True), ("user_id", "users", True)),
    "discussions": (("group_id", "groups", True), ("author_id", "users", False)),
    "comments": (("discussion_id", "discussions", True), ("user_id", "users", False)),
    "polls": (
        ("author_id", "users", False),
        ("discussion_id", "discussions", False),
        ("group_id", "groups", False),
    ),
    "poll_options": (("poll_id", "polls", True),),
    "stances": (("poll_id", "polls", True), ("participant_id", "users", False)),
    "stance_choices": (("stance_id", "stances", True), ("poll_option_id", "poll_options", True)),
    "outcomes": (("poll_id", "polls", True), ("author_id", "users", False)),
}

# Dates read: (field, required).
DATES: dict[str, tuple[tuple[str, bool], ...]] = {
    "users": (("created_at", False),),
    "groups": (("created_at", False),),
    "memberships": (("created_at", False), ("revoked_at", False)),
    "discussions": (
        ("created_at", True),
        ("closed_at", False),
        ("last_activity_at", False),
        ("last_comment_at", False),
        ("discarded_at", False),
    ),
    "comments": (("created_at", True), ("edited_at", False), ("discarded_at", False)),
    "polls": (
        ("created_at", True),
        ("closing_at", False),
        ("closed_at", False),
        ("discarded_at", False),
    ),
    "poll_options": (),
    "stances": (("created_at", True), ("cast_at", False), ("revoked_at", False)),
    "stance_choices": (),
    "outcomes": (("created_at", True),),
}

# Texts that must be present (a non-empty string).
REQUIRED_TEXTS: dict[str, tuple[str, ...]] = {
    "groups": ("name",),
    "discussions": ("title",),
    "polls": ("title", "poll_type"),
    "poll_options": ("name",),
    "outcomes": ("statement",),
}

POLL_KINDS: dict[str, PollKind] = {
    "proposal": PollKind.PROPOSAL,
    "poll": PollKind.SINGLE_CHOICE,
    "count": PollKind.SINGLE_CHOICE,
    "check": PollKind.SINGLE_CHOICE,
    "question": PollKind.SINGLE_CHOICE,
    "score": PollKind.SCORE,
    "ranked_choice": PollKind.RANKED_CHOICE,
    "dot_vote": PollKind.DOT_VOTE,
    "meeting": PollKind.MEETING,
}

# Loomio's names (or icons) of a proposal's options → Cercle's consent keys.
CONSENT_NAMES: dict[str, str] = {
    "agree": "agree",
    "yes": "agree",
    "consent": "agree",
    "abstain": "abstain",
    "disagree": "disagree",
    "no": "disagree",
    "block": "block",
    "objection": "block",
}

TITLE_MAX = 200
NAME_MAX = 80
DEFAULT_DURATION = timedelta(days=7)
KEY_MAX = 64


def is_id(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def parse_when(value: Any) -> datetime | None:
    """A Loomio date (ISO 8601, UTC in exports); naive ones are read as UTC.

    Raises ValueError on anything else than null or such a text."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(value)
    text = value.strip()
    if len(text) == 10:  # a bare date (meeting polls' all-day options)
        parsed = datetime.fromisoformat(text)
    else:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def when(record: dict[str, Any], field: str) -> datetime | None:
    """A date already validated by the first pass."""
    return parse_when(record.get(field))


def must(record: dict[str, Any], field: str) -> datetime:
    """A required date, already validated by the first pass."""
    value = parse_when(record.get(field))
    if value is None:
        raise ValueError(field)
    return value


def loomio_key(table: str, record: dict[str, Any]) -> str:
    """`<table>:<Loomio key>` when the row has a key, else `<table>:<id>`."""
    key = record.get("key")
    if isinstance(key, str) and key.strip():
        candidate = f"{table}:{key.strip()}"
        if len(candidate) <= KEY_MAX:
            return candidate
    return f"{table}:{record['id']}"


def clip(text: Any, limit: int) -> str:
    value = text if isinstance(text, str) else ""
    value = value.strip()
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def text_of(value: Any) -> str:
    """A body stored as given (HTML or Markdown, sanitised at display)."""
    return value if isinstance(value, str) else ""


def setting(record: dict[str, Any], name: str) -> Any:
    """A poll setting: at the top level (newer) or in `custom_fields` (older)."""
    if record.get(name) is not None:
        return record[name]
    custom = record.get("custom_fields")
    if isinstance(custom, dict):
        return custom.get(name)
    return None


def small_int(value: Any) -> int | None:
    if is_id(value) and value <= 32767:
        return int(value)
    return None


def poll_kind(record: dict[str, Any]) -> PollKind:
    kind = POLL_KINDS[str(record.get("poll_type"))]
    if kind == PollKind.SINGLE_CHOICE and record.get("poll_type") == "poll":
        most = small_int(setting(record, "maximum_stance_choices"))
        if record.get("multiple_choice") is True or (most is not None and most > 1):
            return PollKind.MULTIPLE_CHOICE
    return kind


def reason_required(record: dict[str, Any]) -> ReasonRequired:
    newer = record.get("stance_reason_required")
    if newer is not None:
        if newer in ("required", 2):
            return ReasonRequired.ALWAYS
        if newer in ("required_for_disagree_or_block", "required_for_block", 3, 4):
            return ReasonRequired.DISSENT
        return ReasonRequired.NEVER
    if record.get("require_stance_reason") is True:
        return ReasonRequired.ALWAYS
    return ReasonRequired.NEVER


def hide_results_until_closed(record: dict[str, Any]) -> bool:
    newer = record.get("hide_results")
    if newer is not None:
        return newer in ("until_closed", 2)
    return record.get("hide_results_until_closed") is True


def proposal_dates(record: dict[str, Any]) -> tuple[datetime, datetime, datetime | None]:
    """(opened, closes, closed). A poll without a closing date closes after its default
    duration; a closing date not after the opening is moved just after it (Cercle
    requires it)."""
    opened = must(record, "created_at")
    closed = when(record, "closed_at")
    closes = when(record, "closing_at") or closed
    if closes is None:
        days = small_int(record.get("default_duration_in_days"))
        closes = opened + (timedelta(days=days) if days else DEFAULT_DURATION)
    if closes <= opened:
        closes = opened + timedelta(seconds=1)
    return opened, closes, closed


def ranked_points(record: dict[str, Any]) -> int | None:
    return small_int(setting(record, "minimum_stance_choices"))


def choice_value(kind: str, score: int, rank_points: int | None) -> int:
    if kind == PollKind.RANKED_CHOICE and rank_points:
        return max(rank_points - score + 1, 1)
    return min(score, 32767)


def option_name_tail(name: str) -> str:
    """`poll_proposal_options.agree` → `agree`; plain names are returned as given."""
    return name.rsplit(".", 1)[-1].strip().lower() if "." in name and " " not in name else name


def consent_key(kind: str, record: dict[str, Any]) -> str:
    """The consent key of a proposal's option (from its icon, else its name), or ""."""
    if kind not in CONSENT_OPTIONS:
        return ""
    for candidate in (record.get("icon"), record.get("name")):
        if isinstance(candidate, str):
            key = CONSENT_NAMES.get(option_name_tail(candidate).strip().lower())
            if key in CONSENT_OPTIONS[PollKind(kind)]:
                return key
    return ""


def option_label(record: dict[str, Any]) -> str:
    name = str(record.get("name") or "")
    tail = option_name_tail(name)
    if tail != name:  # an i18n key: make it readable
        name = tail.replace("_", " ").capitalize()
    return clip(name, TITLE_MAX)


def option_starts_at(kind: str, record: dict[str, Any]) -> datetime | None:
    if kind != PollKind.MEETING:
        return None
    try:
        return parse_when(record.get("name"))
    except ValueError:
        return None


def split_name(record: dict[str, Any]) -> tuple[str, str]:
    """(first name, last name) from Loomio's single `name`, else the username."""
    name = record.get("name")
    if not isinstance(name, str) or not name.strip():
        name = record.get("username") if isinstance(record.get("username"), str) else ""
    words = (name or "").split()
    if not words:
        return "?", ""
    if len(words) == 1:
        return clip(words[0], NAME_MAX), ""
    return clip(words[0], NAME_MAX), clip(" ".join(words[1:]), NAME_MAX)


def user_email(record: dict[str, Any]) -> str:
    """The lowered address, or one in the reserved `.invalid` domain for accounts
    Loomio exported without one (deactivated people)."""
    email = record.get("email")
    if isinstance(email, str) and email.strip():
        return email.strip().lower()
    return f"framavox-{slugify(str(record.get('key') or record['id']))}@framavox.invalid"
