"""Territory suggestions for forms (htmx) and a plain search page without JavaScript."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cercle.network import selectors
from cercle.network.forms import TerritorySearchForm

_LAST_CODE = re.compile(r"^(?P<prefix>.*[\s,;])?(?P<last>[^\s,;]*)$", re.DOTALL)


@require_safe
def territory_search(request: HttpRequest) -> HttpResponse:
    """`?q=` finds départements and communes by name or code.

    From an htmx-powered input, the query is the input's own value (htmx sends it under
    the field's name, given in `HX-Trigger-Name`); with `multiple=1` only the last code
    typed is completed, and each suggestion keeps the codes before it.
    """
    htmx = getattr(request, "htmx", None)
    query = request.GET.get("q")
    if query is None and htmx and htmx.trigger_name:
        query = request.GET.get(htmx.trigger_name, "")
    query = (query or "")[:200]
    prefix = ""
    if request.GET.get("multiple") == "1":
        match = _LAST_CODE.match(query)
        if match:
            prefix, query = match.group("prefix") or "", match.group("last")
    if htmx:
        return render(
            request,
            "network/territory_search.html#options",
            {"territories": selectors.territory_search(q=query), "prefix": prefix},
        )
    form = TerritorySearchForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    territories = (
        selectors.territory_search(q=form.cleaned_data["q"]) if form.is_bound and valid else []
    )
    return render(
        request,
        "network/territory_search.html",
        {"form": form, "territories": territories, "prefix": ""},
        status=200 if valid else 400,
    )
