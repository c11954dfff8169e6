"""The Markdown renderer against generated link addresses (extends
tests/properties/test_markdown_properties.py, which mixes dangerous fragments with
Markdown): every way of spelling a scheme — entities, case, blanks and control
characters inside it, in a link, an image, a reference or an autolink — gives no
`javascript:`, `vbscript:` or `data:` address, and no attribute other than the allowed."""

from __future__ import annotations

import html
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from cercle.decisions.markdown import ALLOWED_ATTRIBUTES, render_markdown

SCHEMES = ["javascript", "vbscript", "data", "JaVaScRiPt", "DATA"]
NOISE = st.sampled_from(["", "\t", "\n", " ", "\x00", "\x01", "\x0b", "\u200b", "&#9;", "&#x0A;"])


@st.composite
def spelled_scheme(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(SCHEMES))
    out = []
    for ch in scheme:
        how = draw(st.integers(0, 4))
        if how == 0:
            out.append(f"&#{ord(ch)};")
        elif how == 1:
            out.append(f"&#x{ord(ch):x};")
        else:
            out.append(ch)
        out.append(draw(NOISE) if draw(st.integers(0, 5)) == 0 else "")
    colon = draw(st.sampled_from([":", "&colon;", "&#58;", "&#x3a;", "%3A"]))
    return draw(NOISE) + "".join(out) + colon + "alert(1)"


@st.composite
def link_markdown(draw: st.DrawFn) -> str:
    url = draw(spelled_scheme())
    form = draw(st.integers(0, 4))
    if form == 0:
        return f"[clic]({url})"
    if form == 1:
        return f"![image]({url})"
    if form == 2:
        return f"[clic][r]\n\n[r]: {url}"
    if form == 3:
        return f"<{url}>"
    return f'[clic]({url} "titre")'


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [(tag, name, value or "") for name, value in attrs]


@settings(max_examples=300, deadline=None)
@given(text=link_markdown())
def test_no_spelling_of_a_dangerous_scheme_survives(text: str) -> None:
    parser = _Attributes()
    parser.feed(str(render_markdown(text)))
    for tag, name, value in parser.found:
        assert name in ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel", "class"}, (tag, name)
        if name == "href":
            folded = "".join(
                ch for ch in html.unescape(value).lower() if ch.isprintable() and not ch.isspace()
            )
            # A browser does not decode %3A in a scheme: "vbscript%3A…" is a relative path.
            folded = folded.replace("\u200b", "")
            assert not folded.startswith(("javascript:", "vbscript:", "data:")), (text, value)
