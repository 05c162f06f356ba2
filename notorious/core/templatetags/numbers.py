"""`{% load numbers %}`: `{{ count|thousands }}`, a whole number with thousands separators.

The same text as `humanize`'s `intcomma` in the site's language (en-gb: "1,234"), without
its localisation machinery for each number (about 20 µs a number, against 1): the timeline
writes a dozen counts for each edition. Anything but an int goes to `intcomma` itself.
"""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


@register.filter(is_safe=True)
def thousands(value):
    """`value` with a comma between each group of three digits, if an int (not a bool)."""
    if type(value) is int:
        return f"{value:,}"
    return intcomma(value)
