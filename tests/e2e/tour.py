"""A tour of pages for the accessibility tests: visit pages one after the other, send
their forms empty, fetch their files, run axe on each, and report every problem at the
end rather than only the first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from axe_playwright_python.sync_playwright import Axe

from cercle.demo import data
from cercle.demo.loader import email_for
from tests.e2e.conftest import format_violations

CLEAR_FORM = """form => {
    form.noValidate = true;
    for (const field of form.elements) {
        if (field.type === "hidden" || field.type === "submit" || field.type === "button") {
            continue;
        }
        if (field.type === "checkbox" || field.type === "radio") {
            field.checked = false;
        } else if (field.tagName === "SELECT") {
            field.selectedIndex = -1;
        } else if ("value" in field) {
            field.value = "";
        }
    }
}"""


class Tour:
    """Visits pages one after the other and keeps every problem for the end."""

    def __init__(
        self, page: Any, *, form: str = "main form[method=post]", clear_forms: bool = True
    ) -> None:
        self.page = page
        self.form = form
        self.clear_forms = clear_forms
        self.problems: list[str] = []
        self.visited: list[str] = []

    def visit(self, url: str, *, shows: str = "") -> None:
        """Open the page: it must answer 200 at its own address and pass axe."""
        self.visited.append(url)
        response = self.page.goto(url)
        status = response.status if response is not None else None
        if status != 200:
            self.problems.append(f"{url} answered {status}")
            return
        if not self.page.url.endswith(url):
            self.problems.append(f"{url} led to {self.page.url}")
            return
        self._audit(url, shows)

    def submit_empty(self, url: str, form: str = "") -> None:
        """Send the page's form empty (every field cleared, unless the tour keeps the
        fields' defaults): the page answers 400 with its errors, and passes axe."""
        form = form or self.form
        self.visited.append(f"{url} (empty form)")
        self.page.goto(url)
        target = self.page.locator(form).last
        if target.count() == 0:
            self.problems.append(f"{url} has no {form}")
            return
        if self.clear_forms:
            target.evaluate(CLEAR_FORM)
        with self.page.expect_response(lambda r: r.request.method == "POST") as answer:
            target.locator("button[type=submit], input[type=submit]").last.click()
        self.page.wait_for_load_state()
        if answer.value.status != 400:
            self.problems.append(f"{url}, sent empty, answered {answer.value.status}")
            return
        self._audit(f"{url} (empty form)", ".errorlist")

    def submit(self, form: str = "") -> None:
        """Send the current page's form as it is: the page answers 200 and passes axe."""
        form = form or self.form
        label = f"{self.page.url} (sent)"
        self.visited.append(label)
        target = self.page.locator(form).last
        with self.page.expect_response(lambda r: r.request.method == "POST") as answer:
            target.locator("button[type=submit], input[type=submit]").last.click()
        self.page.wait_for_load_state()
        if answer.value.status != 200:
            self.problems.append(f"{label} answered {answer.value.status}")
            return
        self._audit(label, "")

    def download(self, link: str, content_type: str = "", *, every: bool = False) -> None:
        """The first (or every) such link of the current page answers 200 with a file:
        of that content type when given, anything but an HTML page otherwise."""
        links = self.page.locator(link)
        if links.count() == 0:
            self.problems.append(f"{self.page.url} lacks {link}")
            return
        for found in links.all() if every else [links.first]:
            self.fetch(found.get_attribute("href"), content_type)

    def fetch(self, url: str, content_type: str = "") -> None:
        """A file's address answers 200 with that content type (not HTML when none)."""
        self.visited.append(url)
        response = self.page.request.get(url)
        received = response.headers.get("content-type", "")
        wrong = (
            not received.startswith(content_type)
            if content_type
            else received.startswith("text/html")
        )
        if response.status != 200 or wrong:
            self.problems.append(f"{url} answered {response.status} {received}")

    def _audit(self, label: str, shows: str) -> None:
        self._csp(label)
        if self.page.locator("h1").count() != 1:
            self.problems.append(f"{label} has {self.page.locator('h1').count()} h1")
        if shows and self.page.locator(shows).count() == 0:
            self.problems.append(f"{label} lacks {shows}")
        violations = Axe().run(self.page).response.get("violations", [])
        if violations:
            self.problems.append(
                f"{len(violations)} accessibility violation(s) on {label}:\n"
                + format_violations(violations)
            )

    def _csp(self, label: str) -> None:
        """Content-Security-Policy violations since the last page, taken over from the page
        fixture (see `tests.e2e.conftest`) so each is reported once, with its page."""
        violations: list[str] = getattr(self.page, "csp_violations", [])
        self.problems.extend(f"{label}: {violation}" for violation in violations)
        violations.clear()

    def check(self) -> None:
        self._csp(self.page.url)
        assert not self.problems, (
            f"{len(self.problems)} problem(s) on {len(self.visited)} page(s):\n"
            + "\n".join(self.problems)
        )


def log_in_as(tour: Tour, log_in: Callable[..., None], key: str) -> None:
    log_in(tour.page, email_for(key), data.DEMO_PASSWORD)
