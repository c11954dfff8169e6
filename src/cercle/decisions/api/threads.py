"""API: groups, threads, comments, mentions, read state."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["decisions: threads"])
