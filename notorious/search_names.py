"""How a search scores what it finds by name, companies and markets alike (see
notorious/search.py, which finds them): full-text rank, a bonus for an exact name or one
that starts with the query, and for a typo of a name its closeness."""

from django.contrib.postgres.search import SearchRank, TrigramWordSimilarity
from django.db.models import Case, F, FloatField, Value, When
from django.db.models.functions import Greatest
from django.db.models.lookups import GreaterThanOrEqual

from notorious.core.search import key_array

# word_similarity above which a name counts as a typo of the query. pg_trgm's default
# (0.6) misses "alibba" (0.57 against "Alibaba") and "tencnet" (0.5 against "Tencent").
WORD_SIMILARITY_THRESHOLD = 0.45
# The columns a reader's query is looked for in as a name (substring or near-miss).
NAME_COLUMNS = ("name", "aliases")


def name_score(query, tsquery, fuzzy, typo_keys=(), typos_complete=False):
    """Full-text rank against `tsquery`, plus a bonus for an exact name (2) or one that
    starts with `query` (1), plus, where `fuzzy` and a name or an alias is a typo of the
    query, how close it is (`word_similarity`, 0.45 to 1).

    Closeness counts only at or above WORD_SIMILARITY_THRESHOLD, where search calls a name
    a typo of the query (its `%>` scans): below it, it measures the trigrams unrelated
    words happen to share, and ranked matches of a word by that noise.

    `typo_keys`, keys the typo scans found, are scored without the test, and when they are
    all there are (`typos_complete`), no other row is tested at all: scoring each of the
    1,292 markets "counterfeit" matches at 10,000 markets spent 6-8 ms on
    `word_similarity`, for none that is a typo.
    """
    score = SearchRank(F("search_vector"), tsquery) + Case(
        When(name__iexact=query, then=Value(2.0)),
        When(name__istartswith=query, then=Value(1.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    if not fuzzy:
        return score
    closeness = [TrigramWordSimilarity(query, column) for column in NAME_COLUMNS]
    if typos_complete:
        others = Value(0.0)
    else:
        # Each column's closeness where it reaches the threshold (computed twice there:
        # PostgreSQL does not share the two, hence the typo keys).
        others = Greatest(
            *(
                Case(
                    When(GreaterThanOrEqual(each, WORD_SIMILARITY_THRESHOLD), then=each),
                    default=Value(0.0),
                    output_field=FloatField(),
                )
                for each in closeness
            )
        )
    if not typo_keys:
        return score if typos_complete else score + others
    # A typo match: its name or an alias reaches the threshold, so the greater of the two
    # is the closeness that counts.
    return score + Case(
        When(pk__in=key_array(typo_keys), then=Greatest(*closeness)),
        default=others,
        output_field=FloatField(),
    )
