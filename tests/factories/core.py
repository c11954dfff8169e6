from __future__ import annotations

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
