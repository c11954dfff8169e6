"""Pages: events, registrations, attendance and the calendar feed."""

from __future__ import annotations

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
