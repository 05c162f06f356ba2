"""Embeds: an entry's card that other sites may show in an iframe, the iframe that shows it,
and the oEmbed address that gives publishing tools that iframe from the page's address.

Every page of the site refuses to be framed (X-Frame-Options DENY, CSP frame-ancestors
'none': no other site can overlay it to trick a click). The cards alone are `frameable`:
they hold no form and nothing a click could change, only published facts and links.
"""

from urllib.parse import urlencode

from csp.decorators import csp_replace
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.clickjacking import xframe_options_exempt

from .sharing import absolute_url

# The card's width, in CSS pixels, when the embedding site asks for none: it reads from 300
# to 600 px wide.
EMBED_WIDTH = 480
# Its height by kind of entry, from the width up: narrower, its lines wrap and it needs more.
# Measured on the demo data's longest cards in Chromium, with room to spare (a longer one
# scrolls in its frame).
EMBED_HEIGHTS = {
    "market": [(480, 380), (400, 440), (0, 520)],
    "company": [(480, 500), (400, 540), (0, 640)],
}


def frameable(view):
    """`view`'s pages may be shown in a frame on any site: CSP frame-ancestors * and no
    X-Frame-Options, for this view only."""
    return xframe_options_exempt(csp_replace({"frame-ancestors": ["*"]})(view))


def embed_path(entry):
    """The address of `entry`'s card (a market's or a company's): its URL is named
    `<model>_embed`, e.g. `market_embed`."""
    return reverse(f"{entry._meta.model_name}_embed", kwargs={"slug": entry.slug})


def oembed_url(entry):
    """The oEmbed address for `entry`'s page, for the discovery link."""
    query = urlencode({"url": absolute_url(entry.get_absolute_url()), "format": "json"})
    return absolute_url(f"{reverse('oembed')}?{query}")


def embed_size(entry, maxwidth=None, maxheight=None):
    """(width, height) of `entry`'s iframe, within `maxwidth` and `maxheight` when given
    (the oEmbed consumer's limits, which are never exceeded)."""
    width = min(EMBED_WIDTH, maxwidth or EMBED_WIDTH)
    heights = EMBED_HEIGHTS[entry._meta.model_name]
    height = next(height for from_width, height in heights if width >= from_width)
    return width, min(height, maxheight or height)


def iframe_html(entry, width, height):
    """The iframe that shows `entry`'s card: what "Embed this" offers to copy, and the
    oEmbed response's `html`. Its style only fits it to a narrow column and drops the
    frame's border (the card has its own); a page whose policy refuses inline styles
    still shows the card, at the width given."""
    return format_html(
        '<iframe src="{}" width="{}" height="{}" title="{} on Notorious" loading="lazy" '
        'style="max-width: 100%; border: 0"></iframe>',
        absolute_url(embed_path(entry)),
        width,
        height,
        entry.name,
    )
