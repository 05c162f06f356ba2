"""`{% load publishing %}`: related entries readers may see.

`{% with operator=market.operator|if_published %}{% if operator %}…{% endif %}{% endwith %}`
shows a related entry only once it is published (see `notorious.core.models.if_published`).
"""

from django import template

from notorious.core.models import if_published

register = template.Library()

register.filter("if_published", if_published)
