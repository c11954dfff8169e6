"""The Content-Security-Policy in Chromium: it is enforced (what it refuses does not run),
the tours' recorder sees each refusal, and the pages we do not write ourselves (the API
docs, the admin's login) respect it too."""

from __future__ import annotations

from typing import Any

INJECT = """() => {
    const script = document.createElement("script");
    script.textContent = "window.cercleInjected = true;";
    document.head.appendChild(script);
    const box = document.createElement("div");
    box.innerHTML = '<p style="color: red">styled</p>';
    document.body.appendChild(box);
    return window.cercleInjected === true;
}"""


def test_the_policy_is_enforced_and_every_refusal_is_recorded(page: Any) -> None:
    response = page.goto("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.csp_violations == []
    ran = page.evaluate(INJECT)
    page.wait_for_timeout(300)  # violation events are dispatched asynchronously
    assert ran is False, "an inline script ran: the policy is not enforced"
    recorded = list(page.csp_violations)
    page.csp_violations.clear()  # recorded on purpose: the fixture must not fail the test
    assert any("script-src" in line and "inline" in line for line in recorded), recorded
    assert any("style-src" in line for line in recorded), recorded


def test_the_api_docs_respect_the_policy(page: Any) -> None:
    page.goto("/api/v1/docs")
    # Swagger UI (its own scripts and styles, served from our static files) has drawn the
    # operations, or its message about the document.
    page.wait_for_selector(".opblock, .swagger-ui .errors-wrapper", timeout=20_000)
    page.wait_for_timeout(300)
    assert page.csp_violations == []


def test_the_admin_login_respects_the_policy(page: Any) -> None:
    page.goto("/admin/login/")
    page.wait_for_timeout(300)
    assert page.locator("form#login-form").count() == 1
    assert page.csp_violations == []


def test_htmx_loads_under_the_policy(page: Any, log_in: Any, verified_person: Any) -> None:
    """The unread-notifications badge is fetched by htmx (hx-trigger="load") once the
    page is read: htmx runs, with no eval and no style element of its own."""
    person = verified_person()
    log_in(page, person.user.email)
    with page.expect_response(lambda r: "notifications/non-lues" in r.url) as badge:
        page.goto("/")
    assert badge.value.status == 200
    assert page.evaluate("() => typeof window.htmx") == "object"
    assert page.evaluate("() => document.querySelectorAll('style').length") == 0
    page.wait_for_timeout(300)
    assert page.csp_violations == []
