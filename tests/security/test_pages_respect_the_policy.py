"""Every HTML page carries the security headers, and none holds what the
Content-Security-Policy refuses (checked on the HTML itself; the browser tours check the
same in Chromium, see `tests/e2e/tour.py`)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from cercle.demo.loader import email_for
from cercle.network.models import Person
from tests.security.inline import inline_code
from tests.security.pages import crawl

TEMPLATES = Path(settings.BASE_DIR) / "templates"
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
PAGES_PER_ROLE = 160


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def header_problems(response: object) -> list[str]:
    problems = []
    header = response.get("Content-Security-Policy")  # type: ignore[attr-defined]
    if not header:
        return ["no Content-Security-Policy header"]
    if "unsafe-" in header:
        problems.append(f"the policy allows something unsafe: {header}")
    found = directives(header)
    for directive, sources in POLICY.items():
        if found.get(directive) != sources:
            problems.append(f"{directive} is {found.get(directive)!r}, not {sources!r}")
    expected = {
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    for name, value in expected.items():
        if response.get(name) != value:  # type: ignore[attr-defined]
            problems.append(f"{name} is {response.get(name)!r}")  # type: ignore[attr-defined]
    return problems


@pytest.fixture
def demo(db: None) -> None:
    call_command("load_demo", stdout=io.StringIO())


def client_for(key: str) -> Client:
    client = Client()
    if key:
        client.force_login(Person.objects.get(user__email=email_for(key)).user)
    return client


ROLES = {"anonymous": "", "member": "maelle", "steward": "solene"}


def test_every_html_page_has_the_headers_and_no_inline_code(demo: None) -> None:
    """Anonymous, a member of the circle and a steward each walk the demo network (one
    load of the demo for the three)."""
    problems: list[str] = []
    reached = {}
    for role, key in ROLES.items():
        html_pages = 0
        for address, response in crawl(client_for(key), limit=PAGES_PER_ROLE):
            status = response.status_code  # type: ignore[attr-defined]
            if status >= 500:
                problems.append(f"{role} {address}: {status}")
                continue
            if not response["Content-Type"].startswith("text/html"):  # type: ignore[index]
                continue
            html_pages += 1
            problems += [f"{role} {address}: {p}" for p in header_problems(response)]
            if status == 200:
                html = response.content.decode()  # type: ignore[attr-defined]
                problems += [f"{role} {address}: {p}" for p in inline_code(html)]
        reached[role] = html_pages
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)
    # The walk reaches 102, 151 and 145 HTML pages: it must not silently shrink.
    assert reached["anonymous"] >= 80, reached
    assert min(reached.values()) >= 80, reached


def test_error_pages_carry_the_policy_too(db: None) -> None:
    client = Client()
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert header_problems(missing) == []
    refused = client.get("/journal/")
    assert refused.status_code in {302, 403}
    assert refused.get("Content-Security-Policy")


def test_the_templates_hold_no_code_the_policy_refuses() -> None:
    """The templates themselves, pages never reached by the walk included (the PDF
    templates are read by WeasyPrint, not by a browser, and may keep their <style>)."""
    problems = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        if "pdf" in template.relative_to(TEMPLATES).parts:
            continue
        text = template.read_text()
        problems += [f"{template.relative_to(TEMPLATES)} {p}" for p in inline_code(text)]
    assert not problems, "\n".join(problems)


def test_the_finder_sees_each_kind_of_inline_code() -> None:
    """The checks above can fail: each kind the policy refuses is found."""
    page = """<html><head><style>p{}</style><script>alert(1)</script>
    <script type="application/json" id="data">{}</script><script src="/static/a.js"></script>
    </head><body><p style="color:red">x</p><button onclick="go()">x</button>
    <a href="javascript:go()">x</a><div hx-on:click="go()"></div>
    <div hx-trigger="keyup[ctrlKey]"></div><div hx-vals="js:{a: 1}"></div></body></html>"""
    found = inline_code(page)
    assert len(found) == 8, found


def test_htmx_is_told_not_to_inject_styles_nor_evaluate(db: None) -> None:
    html = Client().get("/").content.decode()
    assert '"includeIndicatorStyles": false' in html
    assert '"allowEval": false' in html
