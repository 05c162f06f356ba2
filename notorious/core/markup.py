"""Editorial text (descriptions, summaries, reasons, notes) as safe HTML.

Editors may write Markdown. Whatever they or an import put in, the HTML that reaches a page
holds only the tags below: no script, no event handlers, no style, no titles, and links
only to http, https and mailto addresses (or this site's own relative paths).
"""

import re
import threading
from html import unescape

import markdown
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code", "pre"}
# "*": no attribute on every tag, so nh3's default generic ones (title, lang) go too: a
# title is a tooltip an editor's link could use to pass as the site's own words.
ALLOWED_ATTRIBUTES = {"a": {"href"}, "*": set()}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Whose links these are is the editors' business, not an endorsement the site passes on.
LINK_REL = "nofollow noopener noreferrer"


# What browsers strip from the start of an address (the URL standard's "C0 control or space").
C0_CONTROLS_AND_SPACE = "".join(map(chr, range(0x21)))


def site_path_only(url):
    """A relative link's address if it stays on this site, else None (nh3 drops it).

    `//host/…` is relative to the scheme only: it leaves the site, and so does `/\\host/…`,
    which browsers read as `//host/…` (they turn backslashes into slashes and skip tabs and
    line breaks in an address), so neither may pass as one of the site's own paths.
    """
    seen_by_browser = url.lstrip(C0_CONTROLS_AND_SPACE)
    for skipped in "\t\n\r":
        seen_by_browser = seen_by_browser.replace(skipped, "")
    if seen_by_browser.replace("\\", "/").startswith("//"):
        return None
    return url


def sanitise(html):
    """HTML reduced to the allowed tags and attributes; text of removed tags is kept, except
    inside script and style, which is dropped whole."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        url_relative=site_path_only,
        link_rel=LINK_REL,
        strip_comments=True,
    )


# One Markdown converter per thread, reused: building one costs more than most conversions
# (a page may convert a thousand texts), and a converter is not safe to share between threads.
_converters = threading.local()


def converter():
    """This thread's Markdown converter (the same one on every call in a thread)."""
    try:
        return _converters.markdown
    except AttributeError:
        _converters.markdown = markdown.Markdown(extensions=["sane_lists"], output_format="html")
        return _converters.markdown


def markdown_to_html(text):
    """Markdown text to HTML, not yet sanitised: what `markdown.markdown` gives, from a
    reused converter reset first, so nothing (a reference link, say) carries over from
    the text converted before."""
    md = converter()
    md.reset()
    return md.convert(str(text))


def render_markdown(text):
    """Markdown text to sanitised HTML, marked safe for templates. Empty text gives ""."""
    if not text:
        return mark_safe("")
    text = str(text)
    if is_plain_line(text) and text == text.rstrip() and PLAIN_HTML_SAFE.fullmatch(text):
        # What converting and sanitising it gives, without either: a paragraph of itself,
        # with nothing to escape (`is_plain_line`: no markup, entity or tag character).
        return mark_safe(f"<p>{text}</p>")
    return converted_to_html(text)


def converted_to_html(text):
    """`render_markdown` by way of the converter and the sanitiser, whatever the text."""
    return mark_safe(sanitise(markdown_to_html(text)))  # sanitised just here


def markdown_to_text(text):
    """Markdown text as plain text (no tags, entities decoded), for excerpts and meta
    descriptions; the template escapes it as any other text."""
    if not text:
        return ""
    if is_plain_line(text):
        return str(text).strip()  # what converting it gives, without the converter
    return converted_to_text(text)


def converted_to_text(text):
    """`markdown_to_text` by way of the converter and the sanitiser, whatever the text."""
    return unescape(
        nh3.clean(markdown_to_html(text), tags=set(), clean_content_tags={"script", "style"})
    ).strip()


# One line holding none of the characters Markdown's syntax (or an entity, or HTML) starts
# with, nor a control character, and not starting as a block does (an indent, a list, a
# quote, a heading): Markdown gives it back as a paragraph of itself, so its plain text is
# itself. Most summaries are such a line, and a page of coverage converted 30 of them
# (a tenth of its time, for nothing).
MARKUP_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\\`*_\[\]<>&!#]")
BLOCK_START = re.compile(r"\s|[-+=>]|\d+[.)]")


# For `render_markdown`'s shortcut, nor a character the sanitiser writes as an entity (a
# no-break space) or that Markdown treats as a line break; nor (tested there) any space at
# the end, which Markdown trims or keeps by rules of its own.
PLAIN_HTML_SAFE = re.compile(r"[^\u00a0\u2028\u2029]*")


def is_plain_line(text):
    text = str(text)
    return not MARKUP_CHARACTERS.search(text) and not BLOCK_START.match(text)
