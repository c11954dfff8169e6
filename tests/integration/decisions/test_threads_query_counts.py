"""Group, thread and comment lists make the same number of queries with few and many rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cercle.decisions.models import Group, Mention, Thread
from tests.factories.decisions_threads import (
    CommentFactory,
    GroupFactory,
    GroupMembershipFactory,
    ThreadFactory,
    ThreadReadFactory,
)
from tests.factories.membership_charter import MemberFactory
from tests.integration.core.conftest import bearer, logged_in, token_secret

pytestmark = pytest.mark.django_db


def _queries(call: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.content[:500]
    return len(captured)


def _fill_group(group: Group, reader: Any, threads: int, comments: int) -> Thread:
    last = None
    for index in range(threads):
        last = ThreadFactory(group=group)
        if index % 2:
            ThreadReadFactory(thread=last, person=reader)
        for _ in range(comments):
            CommentFactory(thread=last)
    assert last is not None
    return last


def _world(groups: int, threads: int, comments: int) -> tuple[Any, Group, Thread]:
    reader = MemberFactory()
    main = GroupFactory(slug=f"principal-{groups}")
    GroupMembershipFactory(group=main, person=reader)
    for _ in range(groups - 1):
        other = GroupFactory()
        _fill_group(other, reader, 1, 1)
    thread = _fill_group(main, reader, threads, 1)
    for index in range(comments):
        mentioned = MemberFactory()
        comment = CommentFactory(thread=thread, body=f"@{mentioned.slug} {index}")
        Mention.objects.create(thread=thread, comment=comment, person=mentioned)
        CommentFactory(thread=thread, parent=comment, author=reader)
    return reader, main, thread


@pytest.mark.parametrize(
    ("path", "api"),
    [
        ("/decisions/", False),
        ("/decisions/groupes/{slug}/", False),
        ("thread", False),
        ("/api/v1/groups", True),
        ("/api/v1/groups/{slug}/threads", True),
        ("comments", True),
    ],
)
def test_same_queries_at_two_sizes(path: str, api: bool) -> None:
    counts = []
    for size in (2, 12):
        reader, group, thread = _world(groups=size, threads=size, comments=size)
        url = {
            "thread": thread.get_absolute_url(),
            "comments": f"/api/v1/threads/{thread.uuid}/comments",
        }.get(path, path.format(slug=group.slug))
        if api:
            headers = bearer(token_secret(reader))
            client = Client()
            counts.append(_queries(lambda: client.get(url, **headers)))  # noqa: B023
        else:
            client = logged_in(reader)
            counts.append(_queries(lambda: client.get(url)))  # noqa: B023
    assert counts[0] == counts[1], counts


def test_pages_stay_within_bounds(django_assert_max_num_queries: Any) -> None:
    reader, group, thread = _world(groups=5, threads=8, comments=8)
    client = logged_in(reader)
    with django_assert_max_num_queries(12):
        assert client.get("/decisions/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(group.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(thread.get_absolute_url()).status_code == 200
