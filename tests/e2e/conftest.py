"""Browser journeys: Playwright (sync API) driving Debian's Chromium, checked with axe.

Fixtures and helpers for tests in this directory:

- `browser` (session): one headless Chromium, `/usr/bin/chromium`, never a downloaded one.
- `page`: a fresh browser context (no cookies) whose relative URLs go to pytest-django's
  `live_server`; it fails the test if the page raised a JavaScript error, the server
  answered 5xx, a static file was missing or the browser refused something under the
  Content-Security-Policy (its `securitypolicyviolation` events and "Refused to…" console
  messages are kept in `page.csp_violations`, which the tour reads page by page).
- `assert_accessible(page)`: runs axe on the current page and fails listing every
  violation (rule id, impact, help, the CSS targets of each node).
- `log_in(page, email, password=PASSWORD)`: logs in through the login form.
- `verified_person(**person_fields)`: a Person whose e-mail is confirmed, ready to log in
  with `PASSWORD`; pass `engagement_level="sympathisant"` for a member, etc.

Every test here is marked `e2e` and put in the xdist group "e2e" (one worker, one
browser). Without Chromium the tests are skipped, unless CERCLE_BROWSER_TESTS=1 (CI), in
which case they fail.

The live server needs a transactional database, which Django empties after each test:
the official territories are loaded again before a journey that lacks them and after
each journey, so the tests that follow on the same worker still find them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an asyncio loop in this thread; Django's ORM would otherwise
# refuse to run in the test body ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "correct horse battery staple"
E2E_DIR = Path(__file__).resolve().parent


def browser_tests_required() -> bool:
    return os.environ.get("CERCLE_BROWSER_TESTS") == "1"


def _in_this_directory(item: pytest.Item) -> bool:
    return E2E_DIR in Path(str(item.path)).resolve().parents


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark and group the journeys; skip them when there is no Chromium (unless required)."""
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} is not installed (set CERCLE_BROWSER_TESTS=1 to require it)"
    )
    for item in items:
        if not _in_this_directory(item):
            continue
        if item.get_closest_marker("e2e") is None:
            item.add_marker(pytest.mark.e2e)
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group("e2e"))
        if not CHROMIUM.exists() and not browser_tests_required():
            item.add_marker(skip)


def _load_territories_if_missing() -> None:
    """The territories and the other seeded data (see `tests.conftest`)."""
    from tests.conftest import restore_seeded_data

    restore_seeded_data()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    """After a journey, Django has emptied the database: put the territories back."""
    result = yield
    if nextitem is not None and "live_server" in getattr(item, "fixturenames", ()):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _load_territories_if_missing()
    return result


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Debian Chromium for the session."""
    if not CHROMIUM.exists():
        pytest.fail(f"CERCLE_BROWSER_TESTS=1 but {CHROMIUM} is missing: install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def e2e_db(transactional_db: None) -> None:
    """The live server's database, with the territories that production always has."""
    _load_territories_if_missing()


@pytest.fixture
def page(browser: Any, live_server: Any, e2e_db: None) -> Iterator[Any]:
    """A new page in a clean context, pointed at the live server, in French like a visitor.

    JavaScript errors, 5xx answers and missing static files fail the test at teardown.
    """
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.set_default_timeout(15_000)
    violations = record_csp_violations(context)
    new_page = context.new_page()
    new_page.csp_violations = violations
    problems: list[str] = []
    new_page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    new_page.on("console", lambda message: _csp_console(message, violations))

    def check(response: Any) -> None:
        broken_asset = response.status >= 400 and "/static/" in response.url
        if response.status >= 500 or broken_asset:
            problems.append(f"{response.status} on {response.url}")

    new_page.on("response", check)
    yield new_page
    context.close()
    problems.extend(violations)
    assert not problems, "\n".join(problems)


# Reported from the page by an init script, which Playwright runs in every document
# before the page's own scripts and outside its Content-Security-Policy.
CSP_LISTENER = """document.addEventListener("securitypolicyviolation", event => {
    window.cercleCspViolation([
        event.violatedDirective, event.blockedURI, event.sourceFile || "",
        event.lineNumber || 0, event.sample || "", document.location.pathname,
    ]);
}, true);"""


def record_csp_violations(context: Any) -> list[str]:
    """Every Content-Security-Policy violation in the context's pages, as text."""
    violations: list[str] = []

    def report(_source: Any, details: list[Any]) -> None:
        directive, blocked, source, line, sample, path = details
        where = f" at {source}:{line}" if source else ""
        what = f" «{sample}»" if sample else ""
        violations.append(f"CSP violation on {path}: {directive} refused {blocked}{where}{what}")

    context.expose_binding("cercleCspViolation", report)
    context.add_init_script(CSP_LISTENER)
    return violations


def _csp_console(message: Any, violations: list[str]) -> None:
    """Chromium also says "Refused to …" in the console; kept in case no event fired."""
    text = message.text
    about_csp = "Content Security Policy" in text and text.startswith("Refused to")
    if about_csp and not any(line.startswith("CSP violation") for line in violations):
        violations.append(f"CSP console: {text}")


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation.get('help')}"
            f" — {violation.get('helpUrl', '')}"
        )
        for node in violation.get("nodes", []):
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    at {node.get('target')}: {summary}")
    return "\n".join(lines)


def assert_page_accessible(page: Any) -> None:
    """Run axe (all its WCAG 2.x A/AA and best-practice rules) and fail on any violation."""
    from axe_playwright_python.sync_playwright import Axe

    response = Axe().run(page).response
    violations = response.get("violations", [])
    assert not violations, (
        f"{len(violations)} accessibility violation(s) on {page.url}:\n"
        + format_violations(violations)
    )


@pytest.fixture
def assert_accessible() -> Callable[[Any], None]:
    """`assert_accessible(page)`: axe must find no violation on the current page."""
    return assert_page_accessible


def log_in_through_the_form(page: Any, email: str, password: str = PASSWORD) -> None:
    """Log in with the login form; fails if the site does not show the person logged in."""
    page.goto("/compte/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    logout = page.locator("header form[action='/compte/logout/'] button")
    assert logout.count() == 1, f"not logged in as {email}; now on {page.url}"


@pytest.fixture
def log_in() -> Callable[..., None]:
    """`log_in(page, email, password=PASSWORD)` through the login form."""
    return log_in_through_the_form


@pytest.fixture
def verified_person(e2e_db: None) -> Callable[..., Any]:
    """`verified_person(**fields)`: a Person with a confirmed e-mail and password PASSWORD."""
    from allauth.account.models import EmailAddress

    from tests.factories.network import PersonFactory

    def make(**fields: Any) -> Any:
        person = PersonFactory(**fields)
        EmailAddress.objects.create(
            user=person.user, email=person.user.email, verified=True, primary=True
        )
        return person

    return make
