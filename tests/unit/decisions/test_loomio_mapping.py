"""How the Loomio export's fields are read, for the older and the newer schema."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from cercle.decisions.enums import PollKind, ReasonRequired
from cercle.decisions.loomio import mapping
from cercle.decisions.loomio.reader import LineError, read_lines
from cercle.decisions.loomio.validate import comment_parent, survey_file


@pytest.mark.parametrize(
    ("record", "kind"),
    [
        ({"poll_type": "proposal"}, PollKind.PROPOSAL),
        ({"poll_type": "poll"}, PollKind.SINGLE_CHOICE),
        ({"poll_type": "poll", "multiple_choice": True}, PollKind.MULTIPLE_CHOICE),
        ({"poll_type": "poll", "maximum_stance_choices": 3}, PollKind.MULTIPLE_CHOICE),
        (
            {"poll_type": "poll", "custom_fields": {"maximum_stance_choices": 2}},
            PollKind.MULTIPLE_CHOICE,
        ),
        ({"poll_type": "count"}, PollKind.SINGLE_CHOICE),
        ({"poll_type": "check"}, PollKind.SINGLE_CHOICE),
        ({"poll_type": "score"}, PollKind.SCORE),
        ({"poll_type": "ranked_choice"}, PollKind.RANKED_CHOICE),
        ({"poll_type": "dot_vote"}, PollKind.DOT_VOTE),
        ({"poll_type": "meeting"}, PollKind.MEETING),
    ],
)
def test_poll_kinds(record: dict, kind: PollKind) -> None:
    assert mapping.poll_kind(record) == kind


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({}, ReasonRequired.NEVER),
        ({"require_stance_reason": True}, ReasonRequired.ALWAYS),
        ({"stance_reason_required": "optional"}, ReasonRequired.NEVER),
        ({"stance_reason_required": "disabled"}, ReasonRequired.NEVER),
        ({"stance_reason_required": "required"}, ReasonRequired.ALWAYS),
        ({"stance_reason_required": 2}, ReasonRequired.ALWAYS),
        ({"stance_reason_required": "required_for_disagree_or_block"}, ReasonRequired.DISSENT),
    ],
)
def test_reason_required_in_both_schemas(record: dict, expected: ReasonRequired) -> None:
    assert mapping.reason_required(record) == expected


@pytest.mark.parametrize(
    ("record", "hidden"),
    [
        ({}, False),
        ({"hide_results_until_closed": True}, True),
        ({"hide_results": "until_closed"}, True),
        ({"hide_results": 2}, True),
        ({"hide_results": "until_vote"}, False),
        ({"hide_results": "off", "hide_results_until_closed": True}, False),
    ],
)
def test_hidden_results_in_both_schemas(record: dict, hidden: bool) -> None:
    assert mapping.hide_results_until_closed(record) is hidden


@pytest.mark.parametrize(
    ("record", "key"),
    [
        ({"name": "agree"}, "agree"),
        ({"name": "block"}, "block"),
        ({"name": "poll_proposal_options.disagree", "icon": "disagree"}, "disagree"),
        ({"name": "poll_proposal_options.abstain"}, "abstain"),
        ({"name": "Consent", "icon": "agree"}, "agree"),
        ({"name": "Objection", "icon": "block"}, "block"),
        ({"name": "Peut-être"}, ""),
    ],
)
def test_consent_keys_from_names_or_icons(record: dict, key: str) -> None:
    assert mapping.consent_key(PollKind.PROPOSAL, record) == key
    assert mapping.consent_key(PollKind.SINGLE_CHOICE, record) == ""


def test_dates_are_utc_and_bad_ones_refused() -> None:
    assert mapping.parse_when("2020-01-08T10:00:00.123Z") == datetime(
        2020, 1, 8, 10, 0, 0, 123000, tzinfo=UTC
    )
    assert mapping.parse_when("2020-01-08T10:00:00") == datetime(2020, 1, 8, 10, tzinfo=UTC)
    assert mapping.parse_when("2024-03-14") == datetime(2024, 3, 14, tzinfo=UTC)
    assert mapping.parse_when(None) is None
    for bad in ("le 3 mars", "", 20200108, "2020-13-45T00:00:00Z"):
        with pytest.raises(ValueError):
            mapping.parse_when(bad)


def test_ranked_points_become_ranks() -> None:
    assert [mapping.choice_value(PollKind.RANKED_CHOICE, s, 3) for s in (3, 2, 1)] == [1, 2, 3]
    assert mapping.choice_value(PollKind.SCORE, 4, None) == 4
    assert mapping.choice_value(PollKind.MEETING, 0, None) == 0


def test_keys_names_and_addresses() -> None:
    assert mapping.loomio_key("polls", {"id": 3, "key": "pAbc"}) == "polls:pAbc"
    assert mapping.loomio_key("comments", {"id": 3}) == "comments:3"
    assert mapping.split_name({"name": "Zélie de Lagarde"}) == ("Zélie", "de Lagarde")
    assert mapping.split_name({"name": "", "username": "zelie"}) == ("zelie", "")
    assert mapping.user_email({"id": 1, "email": " Zelie@Exemple.ORG "}) == "zelie@exemple.org"
    assert mapping.user_email({"id": 1, "key": "uK", "email": None}).endswith(".invalid")
    assert mapping.clip("x" * 300, 200).endswith("…")
    assert len(mapping.clip("x" * 300, 200)) == 200


def test_comment_parents_in_both_schemas() -> None:
    assert comment_parent({"parent_id": None}) is None
    assert comment_parent({"parent_id": 4}) == ("comments", 4)  # older: always a comment
    assert comment_parent({"parent_id": 4, "parent_type": "Comment"}) == ("comments", 4)
    assert comment_parent({"parent_id": 4, "parent_type": "Discussion"}) is None
    assert comment_parent({"parent_id": 4, "parent_type": "Stance"}) == ("stances", 4)


def test_the_reader_names_unreadable_lines(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl"
    path.write_bytes(
        b'{"table":"users","record":{"id":1}}\n'
        b"\n"
        b"{oops\n"
        b'["table"]\n'
        b'{"record":{"id":1}}\n'
        b'{"table":"users"}\n'
        b'{"table":"users","record":{"id":2}}\xff\n'
    )
    items = list(read_lines(path))
    assert [i.line for i in items if isinstance(i, LineError)] == [3, 4, 5, 6, 7]
    assert [i.number for i in items if not isinstance(i, LineError)] == [1]


def test_the_survey_checks_references_ids_and_notes_other_tables(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl"
    path.write_text(
        "\n".join(
            [
                '{"table":"groups","record":{"id":1,"name":"G"}}',
                '{"table":"users","record":{"id":5,"email":"a@exemple.org"}}',
                '{"table":"users","record":{"id":5,"email":"b@exemple.org"}}',
                '{"table":"users","record":{"id":6,"email":"pas une adresse"}}',
                '{"table":"memberships","record":{"id":1,"group_id":1,"user_id":7}}',
                '{"table":"reactions","record":{"id":1}}',
                '{"table":"memberships","record":{"id":2,"group_id":1,"user_id":8}}',
                '{"table":"users","record":{"id":8,"email":null}}',
                '{"table":"polls","record":{"id":1,"title":"T","poll_type":"vote",'
                '"created_at":"2020-01-01T00:00:00Z","group_id":1}}',
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    survey = survey_file(path)
    assert [e.line for e in survey.errors] == [3, 4, 5, 9]
    assert survey.skipped_tables == {"reactions": 1}
    assert survey.counts["users"] == 4
