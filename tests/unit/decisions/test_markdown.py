from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString

from cercle.decisions.markdown import mentioned_slugs, render_markdown


def test_markdown_basics() -> None:
    html = str(render_markdown("Un **texte** et *un peu* de `code`.\n\n- un\n- deux"))
    assert "<strong>texte</strong>" in html
    assert "<em>un peu</em>" in html
    assert "<code>code</code>" in html
    assert "<ul>" in html
    assert "<li>un</li>" in html


def test_result_is_safe_and_empty_for_nothing() -> None:
    assert isinstance(render_markdown("a"), SafeString)
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="https://x.fr" onclick="x()">a</a>',
        "<iframe src=https://x.fr></iframe>",
    ],
)
def test_raw_html_is_shown_as_text(text: str) -> None:
    html = str(render_markdown(text))
    assert "<script" not in html
    assert "<img" not in html
    assert "<iframe" not in html
    assert "&lt;" in html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "&#106;avascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:x",
    ],
)
def test_dangerous_links_lose_their_address(url: str) -> None:
    html = str(render_markdown(f"[clic]({url})"))
    assert "href" not in html
    assert "clic" in html


def test_links_get_nofollow_noopener() -> None:
    html = str(render_markdown("[site](https://exemple.fr) et <https://autre.fr>"))
    assert 'href="https://exemple.fr"' in html
    assert html.count('rel="nofollow noopener"') == 2


def test_relative_and_mail_links_are_kept() -> None:
    html = str(render_markdown("[page](/decisions/) [écrire](mailto:a@exemple.fr)"))
    assert 'href="/decisions/"' in html
    assert 'href="mailto:a@exemple.fr"' in html


def test_headings_become_bold_paragraphs() -> None:
    html = str(render_markdown("# Grand titre\n\n### *Petit* titre"))
    assert "<h1" not in html
    assert "<h3" not in html
    assert "<p><strong>Grand titre</strong></p>" in html
    assert "<p><strong><em>Petit</em> titre</strong></p>" in html


def test_mentions_link_known_people_only() -> None:
    html = str(
        render_markdown(
            "Merci @maelle-roux et @inconnu ; écrire à a@maelle-roux.fr",
            mentions={"maelle-roux": "/annuaire/maelle-roux/"},
        )
    )
    assert '<a class="mention" href="/annuaire/maelle-roux/"' in html
    assert "@maelle-roux</a>" in html
    assert "@inconnu" in html
    assert "/inconnu" not in html
    assert html.count("<a ") == 1


def test_mentions_in_code_stay_code() -> None:
    html = str(render_markdown("`@maelle`", mentions={"maelle": "/annuaire/maelle/"}))
    assert "<a" not in html


def test_mentioned_slugs() -> None:
    text = "@maelle-roux, @theo! Et @maelle-roux encore; pas a@b.fr ni https://x.fr/@moi, @x-"
    assert mentioned_slugs(text) == ["maelle-roux", "theo", "x"]
    assert mentioned_slugs("") == []


def test_template_filter() -> None:
    template = Template("{% load decisions_markdown %}{{ text|markdown }}|{{ text|markdown:m }}")
    out = template.render(Context({"text": "**@theo** <b>", "m": {"theo": "/annuaire/theo/"}}))
    plain, linked = out.split("|")
    assert "<strong>@theo</strong> &lt;b&gt;" in plain
    assert '<a class="mention" href="/annuaire/theo/"' in linked
