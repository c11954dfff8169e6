"""What a Content-Security-Policy without 'unsafe-inline' or 'unsafe-eval' refuses, found
in a page's HTML: inline scripts and styles, style attributes, event handler attributes,
javascript: links and htmx attributes that htmx would evaluate."""

from __future__ import annotations

from html.parser import HTMLParser

# <script> types that hold data, which browsers never run.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class InlineFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        line = self.getpos()[0]
        runs = values.get("type", "").lower() not in DATA_SCRIPT_TYPES
        if tag == "script" and "src" not in values and runs:
            self.found.append(f"line {line}: an inline <script>")
        if tag == "style":
            self.found.append(f"line {line}: a <style> element")
        for name, value in values.items():
            if name == "style":
                self.found.append(f'line {line}: <{tag} style="{value[:40]}">')
            elif name.startswith("on"):
                self.found.append(f"line {line}: <{tag} {name}=…>, an event handler attribute")
            elif name.startswith(("hx-on", "data-hx-on")):
                self.found.append(f"line {line}: <{tag} {name}=…>, evaluated by htmx")
            elif name in {"hx-vals", "hx-vars"} and value.lstrip().startswith(
                ("js:", "javascript:")
            ):
                self.found.append(f"line {line}: <{tag} {name}> evaluated by htmx")
            elif name == "hx-trigger" and "[" in value:
                self.found.append(f"line {line}: <{tag} hx-trigger> with a filter (eval)")
            elif name in {
                "href",
                "action",
                "formaction",
                "src",
            } and value.strip().lower().startswith("javascript:"):
                self.found.append(f"line {line}: <{tag} {name}> with a javascript: address")


def inline_code(html: str) -> list[str]:
    """Everything in the page that the policy would refuse."""
    finder = InlineFinder()
    finder.feed(html)
    return finder.found
