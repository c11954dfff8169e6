"""API: proposals, polls, votes, stand-asides, outcomes."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["decisions: proposals"])
