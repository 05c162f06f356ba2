"""The text of a search: what a reader typed, cleaned and made into a tsquery, and the
results' text with the matches marked (`search.py` runs the search itself)."""

import html
import re
import unicodedata

from django.utils.safestring import mark_safe

# Longer queries are refused with a message: no real name or headline is this long, and a
# bound keeps trigram and full-text work per request small.
MAX_QUERY_LENGTH = 200
# Words beyond this many are ignored by the prefix query.
MAX_QUERY_WORDS = 20
# Shorter queries are too short for trigrams to tell a typo from a different word.
MIN_FUZZY_LENGTH = 3
# Highlight delimiters from Unicode's private use area: `clean_query` strips them from
# queries and they never occur in editors' text, so the snippet can be HTML-escaped first
# and marked up afterwards.
MARK_START, MARK_END = "\ue000", "\ue001"
SNIPPET_LENGTH = 220

# Scripts written without spaces between words; full-text search cannot split them.
_UNSPACED_SCRIPT = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u0e00-\u0e7f]"
)


# --- The query a reader typed -----------------------------------------------------------


def clean_query(raw):
    """The query to search for and a message for the reader (empty when all is well).

    Control and format characters (NUL bytes included, which PostgreSQL rejects), private
    use characters and surrogates are dropped and whitespace collapsed. A query that is
    empty, longer than MAX_QUERY_LENGTH or without a single letter or digit comes back
    as "" with a message saying why.
    """
    raw = raw or ""
    kept = "".join(
        " " if char.isspace() else char
        for char in raw
        if char.isspace() or unicodedata.category(char) not in {"Cc", "Cf", "Co", "Cs"}
    )
    query = " ".join(kept.split())
    if not query:
        if raw.strip():
            return "", "That search contained no letters or digits. Try a company or market name."
        return "", ""
    if len(query) > MAX_QUERY_LENGTH:
        return "", (
            f"That search is {len(query):,} characters long; searches are limited to "
            f"{MAX_QUERY_LENGTH} characters. Try a company or market name, or a few words."
        )
    if not any(char.isalnum() for char in query):
        return "", "That search contained no letters or digits. Try a company or market name."
    return query, ""


def prefix_tsquery(query, spelled_out=False):
    """A raw tsquery requiring each space-separated term, as a prefix once it is
    MIN_FUZZY_LENGTH characters long, e.g. `'counterfeit':* & 'aliexpress.com':*`.

    Each term is quoted (quotes doubled, backslashes escaped), so whatever the reader typed
    is text for PostgreSQL's parser, never tsquery syntax; the parser splits it as it split
    the stored text, keeping "aliexpress.com" whole as it did in the vector.

    `spelled_out`: each prefix also as the whole word, `('counterfeit' | 'counterfeit':*)`,
    which matches the same rows, for a query that only finds them. PostgreSQL guesses a
    prefix's matches poorly (2% of 200,000 articles for "counterfeit:*", which matches
    20%) and then collects every match from the index before taking the first 1,001 (9.8
    ms); told the word's own frequency, it reads the table until it has them (2.6 ms). A
    ranking keeps the plain form: `ts_rank` would score the repeated term twice.
    """
    terms = []
    for term in query.split()[:MAX_QUERY_WORDS]:
        quoted = "'{}'".format(term.replace("\\", "\\\\").replace("'", "''"))
        letters = sum(char.isalnum() for char in term)
        if letters < MIN_FUZZY_LENGTH:
            terms.append(quoted)
        elif spelled_out:
            terms.append(f"({quoted} | {quoted}:*)")
        else:
            terms.append(f"{quoted}:*")
    return " & ".join(terms)


def uses_search_operators(query):
    """Whether the query uses websearch syntax: "quoted phrases", `or`, or -exclusions."""
    return '"' in query or bool(re.search(r"(^|\s)-\w|\sor\s", query, re.IGNORECASE))


def is_unspaced_script(query):
    return bool(_UNSPACED_SCRIPT.search(query))


# --- Marking matches -----------------------------------------------------------------


def marked_to_html(marked):
    """Text from ts_headline, with MARK_START/MARK_END delimiters, as safe HTML."""
    escaped = html.escape(marked, quote=False)
    # Safe: everything from the database was escaped above; only <mark> tags are added.
    return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def _term_pattern(terms):
    """A pattern for any of `terms`, ignoring case; a word must start where a word does
    (so "a" does not mark every letter a), except in scripts written without spaces."""
    terms = sorted({t for t in terms if t}, key=len, reverse=True)
    if not terms:
        return None
    return re.compile(
        "|".join(
            re.escape(t) if is_unspaced_script(t) else rf"(?<!\w){re.escape(t)}" for t in terms
        ),
        re.IGNORECASE,
    )


def highlight(text, terms):
    """`text` as safe HTML with every occurrence of any of `terms` marked (case ignored)."""
    pattern = _term_pattern(terms)
    if pattern is None:
        return marked_to_html(text or "")
    marked = pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_END}", text or "")
    return marked_to_html(marked)


def snippet(text, terms, length=SNIPPET_LENGTH):
    """Up to `length` characters of `text` around the first matching term, highlighted."""
    text = " ".join((text or "").split())
    if len(text) <= length:
        return highlight(text, terms)
    pattern = _term_pattern(terms)
    found = pattern.search(text) if pattern else None
    start = max(0, (found.start() if found else 0) - length // 3)
    excerpt = text[start : start + length]
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + length < len(text) else ""
    return highlight(prefix + excerpt + suffix, terms)


def with_marked_text(article, query):
    """`article` (a search result annotated with ts_headline's `headline_marked` and
    `summary_marked`) with `headline_html` and `snippet_html` to show, matches marked.
    Python marks only what full-text cannot see: a CJK run inside a longer one."""
    terms = [query] if is_unspaced_script(query) else []
    if MARK_START in article.headline_marked:
        article.headline_html = marked_to_html(article.headline_marked)
    else:
        article.headline_html = highlight(article.headline, terms)
    if MARK_START in article.summary_marked:
        article.snippet_html = marked_to_html(article.summary_marked)
    else:
        article.snippet_html = snippet(article.summary, terms)
    return article
