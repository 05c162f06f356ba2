"""`{% load embeds %}`: what a market's or company's page offers embedding sites.

`{% oembed_link entry %}` is the oEmbed discovery link for the page's `<head>`;
`{% embed_section entry %}` the "Embed this" section, with the iframe to copy.
"""

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html

from notorious.core import embeds

register = template.Library()


@register.simple_tag
def oembed_link(entry):
    """Publishing tools find the oEmbed address from the page's address by this link."""
    if not entry.is_published:
        return ""  # a draft has no card: its oEmbed answer would be a 404
    return format_html(
        '<link rel="alternate" type="application/json+oembed" href="{}" title="{}">',
        embeds.oembed_url(entry),
        entry.name,
    )


@register.simple_tag
def embed_section(entry):
    """The "Embed this" section: the card's address and its iframe, ready to copy."""
    if not entry.is_published:
        return ""
    width, height = embeds.embed_size(entry)
    return render_to_string(
        "embeds/embed_section.html",
        {
            "entry": entry,
            "embed_path": embeds.embed_path(entry),
            "snippet": embeds.iframe_html(entry, width, height),
        },
    )
