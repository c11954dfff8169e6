"""Tools of the bad-input tests: what a page's forms send, garbage for their fields, and a
snapshot of the whole database to prove that a refusal changed nothing."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.apps import apps
from hypothesis import strategies as st


@dataclass
class Form:
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> values seen


class _Forms(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._current: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form" and attributes.get("method", "get").lower() == "post":
            self._current = Form(action=attributes.get("action") or self.page_url)
        elif self._current is not None and tag in {"input", "select", "textarea", "option"}:
            if tag == "option" and self._select is not None:
                self._current.fields[self._select].append(attributes.get("value", ""))
                return
            name = attributes.get("name")
            if not name or name == "csrfmiddlewaretoken":
                return
            values = self._current.fields.setdefault(name, [])
            if attributes.get("value"):
                values.append(attributes["value"])
            if tag == "select":
                self._select = name

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "form" and self._current is not None:
            self.forms.append(self._current)
            self._current = None


def post_forms(html: str, page_url: str) -> list[Form]:
    parser = _Forms(page_url)
    parser.feed(html)
    return parser.forms


def form_on(client: Any, page_url: str, action_part: str) -> Form:
    """The POST form of `page_url` whose action contains `action_part`."""
    response = client.get(page_url)
    assert response.status_code == 200, (page_url, response.status_code)
    forms = [f for f in post_forms(response.content.decode(), page_url) if action_part in f.action]
    assert forms, (
        page_url,
        action_part,
        [f.action for f in post_forms(response.content.decode(), page_url)],
    )
    return forms[0]


# ---------------------------------------------------------------- garbage

GARBAGE = st.one_of(
    st.just(""),
    st.just(" "),
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=8).map(lambda s: s * 4000),
    st.sampled_from(
        [
            "\x00",
            "a\x00b",
            "-1",
            "-99999999999999999999",
            "99999999999999999999999999",
            "1e309",
            "NaN",
            "Infinity",
            "-0",
            "0.001",
            "12,50",
            "2024-02-30",
            "0000-00-00",
            "9999-12-31",
            "31/12/2024",
            "2024-13-01T25:61",
            "not-a-uuid",
            str(uuid.UUID(int=0)),
            "on",
            "true",
            "<script>alert(1)</script>",
            "javascript:alert(1)",
            "../../etc/passwd",
            "' OR 1=1 --",
            "😀" * 50,
            "\u202e\u200b",
        ]
    ),
    st.uuids().map(str),
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)


@st.composite
def garbage_for(draw: st.DrawFn, form: Form) -> dict[str, list[str]]:
    """Some of the form's fields (maybe none), each with garbage or a value the page
    offered (so that the rest of the form gets looked at too); sometimes an extra field."""
    data: dict[str, list[str]] = {}
    for name, seen in form.fields.items():
        if draw(st.integers(0, 4)) == 0:
            continue  # missing
        pool = GARBAGE if not seen else st.one_of(GARBAGE, st.sampled_from(seen))
        data[name] = draw(st.lists(pool, min_size=1, max_size=2))
    if draw(st.booleans()):
        data[draw(st.text(min_size=1, max_size=10))] = [draw(GARBAGE)]
    return data


# ---------------------------------------------------------------- the database


# Left out of the comparison: the official territories (large, no form writes them), the
# session store, and where a reader got to in a thread (a refused comment shows the
# thread again, which marks it read: the reader's place, not the refused data).
NOT_COMPARED = {"network.Territory", "sessions.Session", "decisions.ThreadRead"}


def database_snapshot() -> dict[str, Any]:
    """A digest of every row of every table (but NOT_COMPARED), and the journal's head:
    equal before and after a refusal means nothing was written, nor edited, nor deleted."""
    from cercle.core.models import JournalEntry

    digests: dict[str, str] = {}
    for model in apps.get_models():
        label = model._meta.label
        if not model._meta.managed or model._meta.proxy or label in NOT_COMPARED:
            continue
        rows = list(model._base_manager.order_by("pk").values_list())
        digests[label] = hashlib.sha256(repr(rows).encode()).hexdigest()[:16] + f"/{len(rows)}"
    head = JournalEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    return {"counts": digests, "journal_head": head}


def changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    diff = {
        label: (before["counts"][label], after["counts"].get(label))
        for label in before["counts"]
        if before["counts"][label] != after["counts"].get(label)
    }
    if before["journal_head"] != after["journal_head"]:
        diff["journal_head"] = (before["journal_head"], after["journal_head"])
    return diff
