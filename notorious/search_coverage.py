"""The coverage a search finds, ranked and with its matches marked (see notorious/search.py,
which finds it)."""

from django.contrib.postgres.search import SearchHeadline, SearchRank
from django.db.models import F
from django.utils.safestring import mark_safe

from notorious.core.dates import time_html
from notorious.core.escaping import text
from notorious.core.languages import lang_attribute
from notorious.core.models import if_published
from notorious.core.search import SEARCH_CONFIG
from notorious.press.models import Article
from notorious.search_text import MARK_END, MARK_START, with_marked_text

# The lines' indentation in templates/search/results.html.
RESULT_LINE_BREAK = "\n              "


class CoverageRanking:
    """How one search orders the coverage it found: by full-text rank against `tsquery`,
    then newest first, then by headline; what a reader typed (`query`) marks the text."""

    def __init__(self, query, tsquery):
        self.query = query
        self.tsquery = tsquery

    def first(self, articles, limit):
        """The first `limit` of `articles` in rank order, with their text marked.

        The page is ranked on the narrow rows first, in a subquery; only its articles are
        then read whole, with their outlets and highlighted text. Ranking whole rows joined
        to their outlets took nearly twice as long with 38,831 matches.
        """
        page = self.ordered(articles).values("pk")[:limit]
        ranked = self.marked(Article.objects.filter(pk__in=page))
        articles = ranked.select_related("outlet", "republishes")
        return [
            with_result_html(with_result_meta(with_marked_text(article, self.query)))
            for article in articles
        ]

    def ordered(self, articles):
        return articles.annotate(score=SearchRank(F("search_vector"), self.tsquery)).order_by(
            "-score", F("published_on").desc(nulls_last=True), "headline"
        )

    def marked(self, articles):
        return self.ordered(articles).annotate(
            headline_marked=self.headline("headline", highlight_all=True),
            summary_marked=self.headline(
                "summary", max_words=35, min_words=15, max_fragments=2, fragment_delimiter=" … "
            ),
        )

    def headline(self, field_name, **options):
        return SearchHeadline(
            field_name,
            self.tsquery,
            config=SEARCH_CONFIG,
            start_sel=MARK_START,
            stop_sel=MARK_END,
            **options,
        )


def with_result_meta(article):
    """`article` with what its search result shows besides its text: `lang_html`, the
    `lang` attribute of its headline and snippet, and `meta_html`, its published outlet,
    date and the published outlet it republishes. Built here rather than by a block of
    template lookups and filters per result (50 a page), in the same words and markup;
    text is escaped as templates escape it (`core.escaping.text`)."""
    article.lang_html = lang_attribute(article.text_language)
    outlet = if_published(article.outlet)
    original = if_published(article.republishes)
    parts = [text(outlet.name_html)] if outlet else []
    if article.published_on:
        if outlet:
            parts.append(", ")
        day = article.published_on
        parts.append(time_html(day))
    if original:
        parts.append(f" (republishing {text(original.name_html)})")
    article.meta_html = mark_safe("".join(parts))
    return article


def with_result_html(article):
    """`article` (`with_marked_text`, `with_result_meta`) with `result_html`, the lines of
    its search result: the linked headline, the meta line and the snippet, as the
    template wrote them from five lookups an article."""
    lang = article.lang_html
    lines = [
        f'<a class="result-title" href="{text(article.get_absolute_url())}"{lang}>'
        f"{text(article.headline_html)}</a>",
        f'<span class="result-meta">{article.meta_html}</span>',
    ]
    if article.snippet_html:
        lines.append(f'<p class="result-snippet"{lang}>{text(article.snippet_html)}</p>')
    article.result_html = mark_safe(RESULT_LINE_BREAK.join(lines))
    return article
