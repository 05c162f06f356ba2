"""`{% load languages %}`: marking text in another language than the page's (WCAG 3.1.2).

`<a href="…"{{ article.text_language|lang_attr }}>{{ article.headline }}</a>` adds
` lang="zh"` to an element whose text is Chinese, nothing for English; names and aliases
carry theirs through `Outlet.name_html` and `Aliased.aliases_html`
(see notorious/core/languages.py).
"""

from django import template

from notorious.core.languages import lang_attribute

register = template.Library()

register.filter("lang_attr", lang_attribute)
