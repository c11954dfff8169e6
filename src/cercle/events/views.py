"""Pages: events, registrations, attendance and the calendar feed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, re_path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cercle.core.errors import ApplicationError
from cercle.core.forms import call_service, form_status
from cercle.core.views import paginate
from cercle.events import calendar, selectors, services
from cercle.events.enums import RegistrationStatus
from cercle.events.forms import AttendanceForm, EventCancelForm, EventFilterForm, EventForm
from cercle.events.models import Event
from cercle.events.policies import (
    can_manage_events,
    can_record_attendance,
    can_register,
    check_can_have_calendar,
    check_can_manage_events,
)

FORM_FIELDS = tuple(EventForm.base_fields)


# ---------------------------------------------------------------- list and detail


@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    period = filters.get("period") or selectors.UPCOMING
    events = selectors.event_list(actor=request.user, period=period, kind=filters.get("kind", ""))
    return render(
        request,
        "events/list.html",
        {
            "form": form,
            "period": period,
            "page": paginate(request, events),
            "can_manage": can_manage_events(request.user),
        },
        status=form_status(form),
    )


def _render_detail(
    request: HttpRequest,
    event: Event,
    *,
    cancel_form: Form | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    registration = selectors.registration_of(actor=request.user, event=event)
    registered = registration is not None and registration.status == RegistrationStatus.REGISTERED
    manage = can_manage_events(request.user)
    context: dict[str, Any] = {
        "event": event,
        "registration": registration,
        "registered": registered,
        "can_register": can_register(request.user, event),
        "can_manage": manage,
        "can_record_attendance": can_record_attendance(request.user, event),
        "cancel_form": cancel_form or (EventCancelForm() if manage else None),
        "error": error,
        "places_left": (
            max(event.capacity - event.registered_count, 0)  # type: ignore[attr-defined]
            if event.capacity is not None
            else None
        ),
    }
    return render(request, "events/detail.html", context, status=status)


@require_safe
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_get(actor=request.user, slug=slug)
    return _render_detail(request, event)


# ---------------------------------------------------------------- create, edit, cancel


def _service_fields(form: EventForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in FORM_FIELDS}


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    check_can_manage_events(request.user)
    form = EventForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        event = call_service(
            form, services.event_create, actor=request.user, **_service_fields(form)
        )
        if event is not None:
            messages.success(request, _("The event is published."))
            return redirect(event.get_absolute_url())
    return render(
        request, "events/form.html", {"form": form, "event": None}, status=form_status(form)
    )


@login_required
def event_edit(request: HttpRequest, slug: str) -> HttpResponse:
    check_can_manage_events(request.user)
    event = selectors.event_get(actor=request.user, slug=slug)
    initial = {name: getattr(event, name) for name in FORM_FIELDS}
    form = EventForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                updated = call_service(
                    form,
                    services.event_update,
                    actor=request.user,
                    event=event,
                    **_service_fields(form),
                )
            except ApplicationError as refusal:
                form.add_error(None, refusal.message)
                status = refusal.status
            else:
                if updated is not None:
                    messages.success(request, _("The event is updated."))
                    return redirect(updated.get_absolute_url())
    return render(request, "events/form.html", {"form": form, "event": event}, status=status)


@login_required
@require_POST
def event_cancel(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_get(actor=request.user, slug=slug)
    check_can_manage_events(request.user)
    form = EventCancelForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, event, cancel_form=form, status=400)
    try:
        cancelled = call_service(
            form,
            services.event_cancel,
            actor=request.user,
            event=event,
            reason=form.cleaned_data["reason"],
        )
    except ApplicationError as refusal:
        return _render_detail(request, event, error=refusal.message, status=refusal.status)
    if cancelled is None:
        return _render_detail(request, event, cancel_form=form, status=400)
    messages.success(request, _("The event is cancelled; the people registered are told."))
    return redirect(cancelled.get_absolute_url())


# ---------------------------------------------------------------- registration


def _registration_step(request: HttpRequest, slug: str, run: Any, done: str) -> HttpResponse:
    event = selectors.event_get(actor=request.user, slug=slug)
    try:
        run(actor=request.user, event=event)
    except ApplicationError as refusal:
        return _render_detail(request, event, error=refusal.message, status=refusal.status)
    messages.success(request, done)
    return redirect(event.get_absolute_url())


@login_required
@require_POST
def registration_create(request: HttpRequest, slug: str) -> HttpResponse:
    return _registration_step(request, slug, services.registration_create, _("You are registered."))


@login_required
@require_POST
def registration_cancel(request: HttpRequest, slug: str) -> HttpResponse:
    return _registration_step(
        request, slug, services.registration_cancel, _("Your registration is cancelled.")
    )


# ---------------------------------------------------------------- attendance


@login_required
def attendance(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_get(actor=request.user, slug=slug)
    registrations = list(selectors.registration_list(actor=request.user, event=event))
    active = [r for r in registrations if r.status == RegistrationStatus.REGISTERED]
    choices = [(str(r.person.uuid), r.person.full_name) for r in active]
    initial = {"attended": [str(r.person.uuid) for r in active if r.attended]}
    # An empty checklist is an answer too: nobody attended.
    form = AttendanceForm(
        request.POST if request.method == "POST" else None, choices=choices, initial=initial
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                recorded = call_service(
                    form,
                    services.attendance_record,
                    actor=request.user,
                    event=event,
                    attended=form.cleaned_data["attended"],
                )
            except ApplicationError as refusal:
                form.add_error(None, refusal.message)
                status = refusal.status
            else:
                if recorded is not None:
                    messages.success(request, _("Attendance is recorded."))
                    return redirect(reverse("events:attendance", kwargs={"slug": event.slug}))
    return render(
        request,
        "events/attendance.html",
        {
            "event": event,
            "form": form,
            "registrations": registrations,
            "present_count": sum(1 for r in active if r.attended),
        },
        status=status,
    )


# ---------------------------------------------------------------- calendar feed


@login_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    check_can_have_calendar(request.user)
    if request.method == "POST":
        services.calendar_feed_reset(actor=request.user)  # type: ignore[arg-type]
        messages.success(
            request, _("Your calendar address is ready. Any address given before no longer works.")
        )
        return redirect("events:calendar")
    feed = selectors.calendar_feed_of(actor=request.user)
    feed_url = (
        settings.SITE_URL + reverse("events:feed", kwargs={"token": feed.token})
        if feed is not None
        else ""
    )
    return render(request, "events/calendar.html", {"feed": feed, "feed_url": feed_url})


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The ICS file, without login: the secret address is the key."""
    feed = selectors.calendar_feed_by_token(token=token)
    body = calendar.calendar_ics(person=feed.person)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="cercle.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


urlpatterns: list[URLPattern] = [
    path("evenements/", event_list, name="list"),
    path("evenements/nouveau/", event_create, name="create"),
    path("evenements/calendrier/", calendar_settings, name="calendar"),
    path("evenements/<slug:slug>/", event_detail, name="detail"),
    path("evenements/<slug:slug>/modifier/", event_edit, name="edit"),
    path("evenements/<slug:slug>/annuler/", event_cancel, name="cancel"),
    path("evenements/<slug:slug>/inscription/", registration_create, name="register"),
    path("evenements/<slug:slug>/desinscription/", registration_cancel, name="unregister"),
    path("evenements/<slug:slug>/presences/", attendance, name="attendance"),
    re_path(r"^calendrier/(?P<token>[A-Za-z0-9_-]{16,64})\.ics$", calendar_feed, name="feed"),
]
