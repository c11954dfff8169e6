"""Deferred work shared by every app: sending e-mail."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task


@task()
def send_email(
    *, to: str, subject: str, template: str, context: dict[str, object], language: str = "fr"
) -> None:
    """Render a text template in the recipient's language and send it."""
    with translation.override(language):
        body = render_to_string(template, {**context, "site_url": settings.SITE_URL})
        send_mail(str(subject), body, None, [to])
