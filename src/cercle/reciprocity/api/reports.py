"""API: exports, commons funding, dashboards, the public yearly report."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["reciprocity: reports"])
