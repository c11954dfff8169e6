"""The one Markdown renderer of Cercle: what people write in threads, comments,
proposals, outcomes and dossiers becomes safe HTML here, and nowhere else.

Two locks, so that one failing does not open the door:
1. Python-Markdown runs without its raw-HTML steps: `<script>` typed by someone is text,
   shown escaped, never markup.
2. nh3 (ammonia) then keeps only an allow-list of tags and attributes, drops any URL whose
   scheme is not http, https or mailto (so no `javascript:`), and gives every link
   `rel="nofollow noopener"`.

People's headings (`# …`) become bold paragraphs: the page owns its heading outline,
which the accessibility checks verify. `@slug` mentions become links to the person's page
when the caller passes the people it knows (see `render_markdown(mentions=…)`).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Mapping

import markdown  # type: ignore[import-untyped]  # no stubs (types-Markdown not declared)
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension  # type: ignore[import-untyped]
from markdown.inlinepatterns import InlineProcessor  # type: ignore[import-untyped]
from markdown.treeprocessors import Treeprocessor  # type: ignore[import-untyped]

ALLOWED_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "em",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_CLASSES = {"a": {"mention"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener"

# `@slug` not preceded by a word character, a dot, a slash or another @ (so e-mail
# addresses and URLs are left alone); a slug cannot end with - or _.
MENTION_RE = re.compile(r"(?<![\w.@/])@([A-Za-z0-9](?:[-\w]*[A-Za-z0-9])?)")


def mentioned_slugs(text: str) -> list[str]:
    """The distinct `@slug`s in a text, in order of appearance."""
    seen: dict[str, None] = {}
    for match in MENTION_RE.finditer(text or ""):
        seen.setdefault(match.group(1), None)
    return list(seen)


class _HeadingsAsStrong(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
                strong = etree.Element("strong")
                strong.text, element.text = element.text, None
                for child in list(element):
                    element.remove(child)
                    strong.append(child)
                element.tag = "p"
                element.attrib.clear()
                element.append(strong)


class _Mentions(InlineProcessor):
    def __init__(self, mentions: Mapping[str, str]) -> None:
        super().__init__(MENTION_RE.pattern)
        self.mentions = mentions

    def handleMatch(
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | str | None, int | None, int | None]:
        url = self.mentions.get(m.group(1))
        if url is None:
            return None, None, None
        link = etree.Element("a", {"href": url, "class": "mention"})
        link.text = m.group(0)
        return link, m.start(0), m.end(0)


class _CercleExtension(Extension):
    def __init__(self, mentions: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.mentions = mentions or {}

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # No raw HTML: typed tags stay text (escaped by the serializer).
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_HeadingsAsStrong(md), "cercle_headings", 5)
        if self.mentions:
            md.inlinePatterns.register(_Mentions(self.mentions), "cercle_mentions", 65)


# Browsers drop tabs and line breaks inside an address and ignore leading blanks and
# control characters, so "java\tscript:" is `javascript:` to them: judge the address
# as they will read it.
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def _safe_url(value: str) -> bool:
    folded = _IGNORED_IN_URL.sub("", html.unescape(value))
    scheme = _SCHEME.match(folded)
    if scheme is None:
        # No scheme: relative, unless a colon comes before any / ? or # (then a browser
        # may still read a scheme), so refuse those.
        head = re.split(r"[/?#]", folded, maxsplit=1)[0]
        return ":" not in head
    return scheme.group(1).lower() in URL_SCHEMES


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute in {"href", "src"} and not _safe_url(value):
        return None
    return value


def sanitize_html(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
        attribute_filter=_filter_attribute,
    )


def render_markdown(text: str | None, *, mentions: Mapping[str, str] | None = None) -> SafeString:
    """Markdown → sanitised HTML, safe to put in a page as is.

    `mentions` maps a person's slug to the address of their page; `@slug` of anyone in it
    becomes a link (the others stay text).
    """
    if not text:
        return mark_safe("")
    md = markdown.Markdown(
        extensions=["fenced_code", "sane_lists", "nl2br", _CercleExtension(mentions)],
        output_format="html",
    )
    return mark_safe(sanitize_html(md.convert(text)))  # noqa: S308 (sanitised by nh3)
