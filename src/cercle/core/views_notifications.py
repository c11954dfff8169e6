"""Pages: my notifications, my e-mail preferences, and the one-click unsubscribe link."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cercle.core import selectors_notifications as selectors
from cercle.core import services_notifications as services
from cercle.core.enums import NotificationFrequency as Frequency
from cercle.core.enums import NotificationKind as Kind
from cercle.core.errors import NotAllowed
from cercle.core.forms import call_service, form_status
from cercle.core.models import User
from cercle.core.views import paginate


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@require_safe
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("non-lues") == "1"
    items = selectors.notification_list(actor=_user(request), unread_only=unread_only)
    return render(
        request,
        "core/notifications/list.html",
        {
            "page": paginate(request, items),
            "unread_only": unread_only,
            "unread": selectors.unread_count(_user(request)),
        },
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: str) -> HttpResponse:
    """Mark one read. With `open`, go on to its page; with htmx, answer with the item."""
    user = _user(request)
    notification = selectors.notification_get(actor=user, notification_id=notification_id)
    services.notification_mark_read(actor=user, notification=notification)
    if request.POST.get("open") and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts=None
    ):
        return redirect(notification.url or "core:notifications")
    if request.htmx:  # type: ignore[attr-defined]
        notification.unread = False  # type: ignore[attr-defined]
        return render(request, "core/notifications/_item.html", {"notification": notification})
    return redirect("core:notifications")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(actor=_user(request))
    messages.success(
        request, _("All your notifications are marked read (%(count)s).") % {"count": count}
    )
    return redirect("core:notifications")


class PreferencesForm(forms.Form):
    """One radio group a kind: how often it is e-mailed."""

    def __init__(self, *args: Any, rows: list[selectors.PreferenceRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in rows:
            self.fields[row.kind] = forms.ChoiceField(
                label=row.label,
                choices=Frequency.choices,
                initial=row.frequency,
                widget=forms.RadioSelect,
                help_text=_("Default: %(frequency)s.") % {"frequency": row.default_label},
            )


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    rows = selectors.notification_preferences(actor=user)
    form = PreferencesForm(request.POST if request.method == "POST" else None, rows=rows)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.notification_preferences_set,
            actor=user,
            frequencies=form.cleaned_data,
        )
        if done is not None:
            messages.success(request, _("Your preferences are saved."))
            return redirect("core:notification_preferences")
    return render(
        request,
        "core/notifications/preferences.html",
        {"form": form, "rows": rows},
        status=form_status(form),
    )


@csrf_exempt  # RFC 8058: mail clients POST here with no session; the signed token is the proof.
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (mail scanners follow links); POST applies, without login."""
    try:
        user, what = services.unsubscribe_describe(token=token)
    except NotAllowed as error:
        return render(
            request, "core/notifications/unsubscribe.html", {"error": error.message}, status=403
        )
    context: dict[str, Any] = {"token": token, "what": what, "email": user.email}
    if what in Frequency.values:
        context["frequency_label"] = Frequency(what).label
    else:
        context["kind_label"] = Kind(what).label
    if request.method == "POST":
        context["kinds"] = services.unsubscribe(token=token)
        context["done"] = True
    return render(request, "core/notifications/unsubscribe.html", context)


@require_safe
def unread_badge(request: HttpRequest) -> HttpResponse:
    """The unread count in the navigation, loaded by htmx after the page: pages stay at
    their pinned number of queries, and the count costs one small query of its own."""
    count = selectors.unread_count(_user(request)) if request.user.is_authenticated else 0
    response = render(request, "core/notifications/_badge.html", {"count": count})
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("notifications/", notification_list, name="notifications"),
    path("notifications/non-lues/", unread_badge, name="notifications_badge"),
    path("notifications/tout-lire/", notification_read_all, name="notifications_read_all"),
    path("notifications/preferences/", notification_preferences, name="notification_preferences"),
    path("notifications/desabonnement/<str:token>/", unsubscribe, name="unsubscribe"),
    path("notifications/<uuid:notification_id>/lue/", notification_read, name="notification_read"),
]
