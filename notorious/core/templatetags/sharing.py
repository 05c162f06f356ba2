"""What the `<head>` tells other sites: `{% capture %}` (a block's output, reused for the
title, the description and their OpenGraph copies), `{% canonical_url %}`,
`{% absolute_url path %}`, `{% json_ld data %}` and `{% list_dataset %}`."""

from django import template
from django.utils.safestring import mark_safe

from notorious.core import sharing

register = template.Library()


class CaptureNode(template.Node):
    # Blocks inside it stay overridable: {% extends %} finds them through child_nodelists.
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, name):
        self.nodelist, self.name = nodelist, name

    def render(self, context):
        # Rendered template output, already escaped where it had to be.
        context[self.name] = mark_safe(self.nodelist.render(context).strip())
        return ""


@register.tag
def capture(parser, token):
    """`{% capture name %}…{% endcapture %}`: renders nothing, and sets `name` to what its
    content renders, so one block can feed several tags."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% capture name %} takes one name.")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[1])


@register.simple_tag
def absolute_url(path):
    return sharing.absolute_url(path)


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's canonical address: the view's `canonical_path` (a list's normalised query
    included) or the request's path, on SITE_URL."""
    request = context.get("request")
    path = context.get("canonical_path") or (request.path if request else "/")
    return sharing.absolute_url(path)


@register.simple_tag
def json_ld(data):
    return sharing.json_ld(data) if data else ""


@register.simple_tag(takes_context=True)
def list_dataset(context, name, description):
    """A `Dataset` for a page offering CSV and JSON downloads of what it lists, filters as
    applied (the view's `canonical_filters`)."""
    request = context["request"]
    query = context.get("canonical_filters", "")
    return sharing.json_ld(
        sharing.dataset(
            name,
            description,
            sharing.with_query(request.path, query),
            sharing.downloads(request.path, query),
        )
    )


# The lists whose downloads make up the whole record, as (URL name, what they hold).
RECORD_LISTS = [
    ("markets:list", "Markets"),
    ("companies:list", "Companies"),
    ("reports:list", "Editions"),
    ("press:list", "Coverage"),
    ("press:outlets", "Outlets"),
]


@register.simple_tag
def site_dataset():
    """The `Dataset` of the whole record (the home page): every list's CSV and JSON
    downloads, which together hold every published entry."""
    from django.urls import reverse

    distribution = [
        download
        for name, what in RECORD_LISTS
        for download in sharing.downloads(reverse(name), name=what)
    ]
    return sharing.json_ld(
        sharing.dataset(
            f"{sharing.SITE_NAME}: {sharing.SITE_TAGLINE}",
            "An editor-curated record of the US Trade Representative's annual Review of "
            "Notorious Markets for Counterfeiting and Piracy: the markets each edition names, "
            "the companies that operate them, their listing history and the press coverage, "
            "every fact sourced.",
            "/",
            distribution,
        )
    )
