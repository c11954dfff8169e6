from __future__ import annotations

from typing import Any

import factory

from cercle.core.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    password = factory.django.Password("correct horse battery staple")
    language = "fr"


def notified_emails() -> list[str]:
    """The e-mail addresses of everyone notified so far (in-app notifications exist for
    every kind and preference; e-mail may wait for a digest)."""
    from cercle.core.models import Notification

    return sorted(Notification.objects.values_list("user__email", flat=True))


def journal_entries(count: int, visibility: str) -> list[Any]:
    """`count` chained entries by one actor, each with a payload of money and a number:
    the material of the journal's chain and tampering tests."""
    from cercle.core import journal

    actor = UserFactory()
    return [
        journal.record(
            actor=actor,
            verb=f"thing.done{i}",
            object_type="test.thing",
            object_id=str(i),
            payload={"amount": "12.50", "n": i},
            visibility=visibility,
        )
        for i in range(count)
    ]


def raw_sql(sql: str, params: list[object]) -> None:
    """A statement behind the ORM's back, as someone with database access would."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
