"""Editorial text (descriptions, summaries, reasons, notes) as safe HTML.

Editors may write Markdown. Whatever they or an import put in, the HTML that reaches a page
holds only the tags below: no script, no event handlers, no style, and links only to http,
https and mailto addresses (or this site's own relative paths).
"""

from html import unescape

import markdown
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code", "pre"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Whose links these are is the editors' business, not an endorsement the site passes on.
LINK_REL = "nofollow noopener noreferrer"


def sanitise(html):
    """HTML reduced to the allowed tags and attributes; text of removed tags is kept, except
    inside script and style, which is dropped whole."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(text):
    """Markdown text to sanitised HTML, marked safe for templates. Empty text gives ""."""
    if not text:
        return mark_safe("")
    html = markdown.markdown(str(text), extensions=["sane_lists"], output_format="html")
    return mark_safe(sanitise(html))  # sanitised just above


def markdown_to_text(text):
    """Markdown text as plain text (no tags, entities decoded), for excerpts and meta
    descriptions; the template escapes it as any other text."""
    if not text:
        return ""
    html = markdown.markdown(str(text), extensions=["sane_lists"], output_format="html")
    return unescape(nh3.clean(html, tags=set(), clean_content_tags={"script", "style"})).strip()
