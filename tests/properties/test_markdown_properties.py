"""Properties of the one Markdown renderer: whatever people type, the HTML it gives holds
no script, no event-handler attribute, no `javascript:` address, only allowed tags, and
the words of a plain text survive."""

from __future__ import annotations

import html
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from cercle.decisions.markdown import ALLOWED_TAGS, render_markdown

DANGEROUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//x.fr/a.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[clic](javascript:alert(1))",
    "[clic](JaVaScRiPt:alert(1))",
    "[clic]( javascript:alert(1) )",
    "[clic](java\tscript:alert(1))",
    "[clic](&#106;avascript:alert(1))",
    "![i](javascript:alert(1))",
    "<javascript:alert(1)>",
    '<div onclick="x()">a</div>',
    "<svg/onload=alert(1)>",
    "<iframe src=https://x.fr></iframe>",
    '<p style="x">a</p>',
    "<!-- <script> -->",
    "`<script>`",
    "```\n<script>\n```",
    "    <script>",
    "> <b onmouseover=x>",
    "[a][r]\n\n[r]: javascript:alert(1)",
    "@maelle",
    "# <script>",
    "*",
    "_",
    "\n",
]
MARKDOWN_BITS = ["*", "**", "_", "`", "```", "#", ">", "-", "1.", "[", "]", "(", ")", "!", "\n"]
fragment = st.one_of(
    st.sampled_from(DANGEROUS),
    st.sampled_from(MARKDOWN_BITS),
    st.text(max_size=12),
)
source = st.lists(fragment, max_size=12).map("".join)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(output: str) -> _Collector:
    collector = _Collector()
    collector.feed(output)
    collector.close()
    return collector


def _is_dangerous_url(value: str) -> bool:
    folded = "".join(ch for ch in html.unescape(value).lower() if ch.isprintable() and ch != " ")
    return folded.startswith(("javascript:", "vbscript:", "data:"))


@settings(max_examples=400, deadline=None)
@given(text=source)
def test_no_script_no_handler_no_javascript_url(text: str) -> None:
    output = str(render_markdown(text, mentions={"maelle": "/annuaire/maelle/"}))
    assert "<script" not in output.lower()
    for tag, attrs in _parse(output).tags:
        assert tag in ALLOWED_TAGS, (tag, output)
        for name, value in attrs:
            assert not name.lower().startswith("on"), (name, output)
            assert name != "style", output
            if name in {"href", "src"}:
                assert value is not None
                assert not _is_dangerous_url(value), (value, output)


WORD = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzéèàçùôABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    min_size=1,
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(WORD, min_size=1, max_size=20),
    separators=st.lists(st.sampled_from([" ", "  ", "\n", "\n\n", ", ", " ; "]), max_size=20),
)
def test_plain_text_survives(words: list[str], separators: list[str]) -> None:
    pieces: list[str] = []
    for index, word in enumerate(words):
        pieces.append(word)
        pieces.append(separators[index] if index < len(separators) else " ")
    text = "".join(pieces)
    rendered_text = "".join(_parse(str(render_markdown(text))).text)
    for word in words:
        assert word in rendered_text


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="<>&\"'abc /=", max_size=40))
def test_typed_markup_is_shown_not_run(text: str) -> None:
    """Angle brackets people type come out as text (escaped), never as tags."""
    output = str(render_markdown(text))
    parsed = _parse(output)
    for tag, _attrs in parsed.tags:
        assert tag in {"p", "br", "blockquote"}, (tag, output)
    assert "".join(parsed.text).count("<") == text.count("<")
