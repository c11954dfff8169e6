"""Pages of the circle: requests. (Skeleton: filled by the topic's owner.)"""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
