"""`{% load markup %}{{ market.description|markdown }}`: editorial text as safe HTML."""

from django import template

from notorious.core.markup import markdown_to_text, render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Render Markdown and sanitise it (see notorious.core.markup)."""
    return render_markdown(text)


@register.filter(name="markdown_text")
def markdown_text_filter(text):
    """The same text with its Markdown and any HTML removed: `{{ article.summary|markdown_text|
    truncatewords:40 }}` for an excerpt or a meta description."""
    return markdown_to_text(text)
