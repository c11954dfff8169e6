"""`{{ text|markdown }}`: Markdown rendered and sanitised (see `cercle.decisions.markdown`).

`{{ text|markdown:mentions }}` also links `@slug` mentions, `mentions` mapping a slug to
the person's page address.
"""

from __future__ import annotations

from collections.abc import Mapping

from django import template
from django.utils.safestring import SafeString

from cercle.decisions.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str | None, mentions: Mapping[str, str] | None = None) -> SafeString:
    return render_markdown(text, mentions=mentions if isinstance(mentions, Mapping) else None)
