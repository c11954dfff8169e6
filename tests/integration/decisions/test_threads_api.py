"""Groups, threads and comments through the API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from cercle.decisions.enums import GroupVisibility
from cercle.decisions.models import Comment, Group, GroupMembership, Thread, ThreadRead
from tests.factories.decisions_threads import (
    CommentFactory,
    GroupFactory,
    GroupMembershipFactory,
    ThreadFactory,
)
from tests.factories.membership_charter import MemberFactory
from tests.factories.network import StewardFactory
from tests.integration.core.conftest import bearer, token_secret

pytestmark = pytest.mark.django_db

API = "/api/v1"


def auth(person: Any) -> dict[str, str]:
    return bearer(token_secret(person))


def send(method: str, url: str, body: object | None = None, **extra: str) -> Any:
    client = Client()
    call = getattr(client, method)
    if body is None:
        return call(API + url, **extra)
    return call(API + url, json.dumps(body), content_type="application/json", **extra)


@pytest.fixture
def group() -> Group:
    return GroupFactory(slug="transition")


def member_of(group: Group, **kwargs: Any) -> Any:
    return GroupMembershipFactory(group=group, **kwargs).person


def test_groups_list_and_detail_follow_visibility() -> None:
    GroupFactory(slug="publique", visibility=GroupVisibility.PUBLIC)
    GroupFactory(slug="membres", visibility=GroupVisibility.MEMBERS)
    GroupFactory(slug="secret", visibility=GroupVisibility.GROUP)
    anonymous = send("get", "/groups").json()
    assert [g["slug"] for g in anonymous["items"]] == ["publique"]
    member = send("get", "/groups", **auth(MemberFactory())).json()
    assert {g["slug"] for g in member["items"]} == {"publique", "membres"}
    assert member["count"] == 2
    assert send("get", "/groups/secret", **auth(MemberFactory())).status_code == 404
    assert send("get", "/groups/membres").status_code == 404
    detail = send("get", "/groups/membres", **auth(StewardFactory())).json()
    assert detail["visibility"] == "members"
    assert detail["unread_thread_count"] == 0


def test_start_comment_edit_delete_and_read(group: Group) -> None:
    author = member_of(group)
    headers = auth(author)
    bad = send("post", "/threads", {"group": "transition", "title": " "}, **headers)
    assert bad.status_code in {400, 422}
    assert "title" in bad.json()["errors"]
    assert send("post", "/threads", {"group": "nope", "title": "x"}, **headers).status_code == 404
    created = send(
        "post",
        "/threads",
        {"group": "transition", "title": "Budget", "body": "*Avis* ?"},
        **headers,
    )
    assert created.status_code == 201
    thread_id = created.json()["id"]
    assert created.json()["group"] == "transition"
    assert send("get", f"/threads/{thread_id}", **headers).json()["body"] == "*Avis* ?"

    comment = send("post", f"/threads/{thread_id}/comments", {"body": "Oui"}, **headers)
    assert comment.status_code == 201
    comment_id = comment.json()["id"]
    reply = send(
        "post", f"/threads/{thread_id}/comments", {"body": "Re", "parent": comment_id}, **headers
    )
    assert reply.json()["parent"] == comment_id
    stranger = str(CommentFactory().uuid)
    refused = send(
        "post", f"/threads/{thread_id}/comments", {"body": "Re", "parent": stranger}, **headers
    )
    assert refused.status_code in {400, 422}
    assert "parent" in refused.json()["errors"]
    empty = send("post", f"/threads/{thread_id}/comments", {"body": ""}, **headers)
    assert empty.status_code in {400, 422}

    listed = send("get", f"/threads/{thread_id}/comments", **headers).json()
    assert listed["count"] == 2
    patched = send("patch", f"/comments/{comment_id}", {"body": "Oui, vraiment"}, **headers)
    assert patched.status_code == 200
    assert patched.json()["edited_at"] is not None
    assert send("delete", f"/comments/{comment_id}", **headers).status_code == 204
    gone = send("get", f"/threads/{thread_id}/comments", **headers).json()["items"][0]
    assert gone["deleted"] is True
    assert gone["body"] == ""
    assert send("delete", f"/comments/{comment_id}", **headers).status_code == 409

    read = send("post", f"/threads/{thread_id}/read", **headers)
    assert read.status_code == 200
    assert read.json()["last_read_at"] is not None


def test_refusals(group: Group) -> None:
    thread = ThreadFactory(group=group)
    comment = CommentFactory(thread=thread, body="À moi")
    assert send("post", "/threads", {"group": "transition", "title": "x"}).status_code == 401
    outsider = auth(MemberFactory())
    assert (
        send("post", "/threads", {"group": "transition", "title": "x"}, **outsider).status_code
        == 403
    )
    assert (
        send("post", f"/threads/{thread.uuid}/comments", {"body": "x"}, **outsider).status_code
        == 403
    )
    other = auth(member_of(group))
    assert send("patch", f"/comments/{comment.uuid}", {"body": "x"}, **other).status_code == 403
    assert send("delete", f"/comments/{comment.uuid}", **other).status_code == 403
    assert send("post", f"/threads/{thread.uuid}/close", **other).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "À moi"
    assert Thread.objects.count() == 1
    assert Comment.objects.count() == 1


def test_hidden_thread_is_404(group: Group) -> None:
    secret = GroupFactory(visibility=GroupVisibility.GROUP)
    thread = ThreadFactory(group=secret)
    comment = CommentFactory(thread=thread)
    headers = auth(MemberFactory())
    assert send("get", f"/threads/{thread.uuid}", **headers).status_code == 404
    assert send("get", f"/threads/{thread.uuid}/comments", **headers).status_code == 404
    assert send("post", f"/threads/{thread.uuid}/read", **headers).status_code == 404
    assert send("patch", f"/comments/{comment.uuid}", {"body": "x"}, **headers).status_code == 404
    assert send("get", f"/groups/{secret.slug}/threads", **headers).status_code == 404
    assert not ThreadRead.objects.exists()


def test_close_reopen_and_closed_thread_refuses_comments(group: Group) -> None:
    starter = member_of(group)
    thread = ThreadFactory(group=group, author=starter)
    headers = auth(starter)
    closed = send("post", f"/threads/{thread.uuid}/close", **headers)
    assert closed.status_code == 200
    assert closed.json()["closed_at"] is not None
    assert send("post", f"/threads/{thread.uuid}/close", **headers).status_code == 409
    late = send("post", f"/threads/{thread.uuid}/comments", {"body": "x"}, **headers)
    assert late.status_code == 409
    assert send("post", f"/threads/{thread.uuid}/reopen", **headers).json()["closed_at"] is None


def test_unread_marks_in_thread_list(group: Group) -> None:
    reader = member_of(group)
    thread = ThreadFactory(group=group)
    CommentFactory(thread=thread)
    headers = auth(reader)
    item = send("get", "/groups/transition/threads", **headers).json()["items"][0]
    assert item["is_unread"] is True
    assert item["unread_comment_count"] == 1
    send("post", f"/threads/{thread.uuid}/read", **headers)
    item = send("get", "/groups/transition/threads", **headers).json()["items"][0]
    assert item["is_unread"] is False
    assert item["unread_comment_count"] == 0


def test_group_management(group: Group) -> None:
    steward = auth(StewardFactory())
    created = send(
        "post",
        "/groups",
        {
            "name": "Bureau",
            "kind": "board",
            "membership_rule": "listed",
            "visibility": "group",
            "description": "",
        },
        **steward,
    )
    assert created.status_code == 201
    assert created.json()["slug"] == "bureau"
    bad = send("post", "/groups", {"name": "X", "kind": "nope"}, **steward)
    assert bad.status_code == 422
    member = auth(MemberFactory())
    payload = {"name": "Y", "kind": "board", "membership_rule": "listed", "visibility": "group"}
    assert send("post", "/groups", payload, **member).status_code == 403
    updated = send("put", "/groups/bureau", {**payload, "name": "Le bureau"}, **steward)
    assert updated.json()["name"] == "Le bureau"

    person = MemberFactory(slug="iris-blanc")
    added = send("post", "/groups/bureau/members", {"person": "iris-blanc"}, **steward)
    assert added.status_code == 201
    again = send("post", "/groups/bureau/members", {"person": "iris-blanc"}, **steward)
    assert again.status_code == 422
    unknown = send("post", "/groups/bureau/members", {"person": "personne"}, **steward)
    assert "person" in unknown.json()["errors"]
    promoted = send("patch", "/groups/bureau/members/iris-blanc", {"is_admin": True}, **steward)
    assert promoted.json()["is_admin"] is True
    assert send("get", "/groups/bureau/members", **steward).json()["count"] == 1
    admin = auth(person)
    assert send("get", "/groups/bureau/members", **admin).status_code == 200
    assert send("delete", "/groups/bureau/members/iris-blanc", **steward).status_code == 204
    assert not GroupMembership.objects.filter(person=person).exists()
    assert send("delete", "/groups/bureau/members/iris-blanc", **steward).status_code == 422
