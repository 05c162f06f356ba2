"""How a search scores what it finds by name, companies and markets alike (see
notorious/search.py, which finds them): full-text rank, a bonus for an exact name or one
that starts with the query, and for a typo of a name its closeness."""

from django.contrib.postgres.search import SearchRank, TrigramWordSimilarity
from django.db.models import Case, F, FloatField, Func, Value, When
from django.db.models.functions import Greatest

from notorious.core.search import key_array

# word_similarity above which a name counts as a typo of the query. pg_trgm's default
# (0.6) misses "alibba" (0.57 against "Alibaba") and "tencnet" (0.5 against "Tencent").
WORD_SIMILARITY_THRESHOLD = 0.45
# The columns a reader's query is looked for in as a name (substring or near-miss).
NAME_COLUMNS = ("name", "aliases")


class AtLeast(Func):
    """`expression` where it is at least `threshold`, else 0, with `expression` computed
    once a row: written plainly (CASE WHEN x >= t THEN x ...), PostgreSQL computes it twice
    where it holds, and `word_similarity` on 2,000 markets took 14 ms instead of 9. The
    subquery's OFFSET 0 keeps the planner from folding it back into that."""

    template = (
        "(SELECT CASE WHEN value >= %(threshold)s THEN value ELSE 0 END "
        "FROM (SELECT %(expressions)s AS value OFFSET 0) AS computed)"
    )
    output_field = FloatField()


def name_score(query, tsquery, fuzzy, typo_keys=None):
    """Full-text rank against `tsquery`, plus a bonus for an exact name (2) or one that
    starts with `query` (1), plus, where `fuzzy` and a name or an alias is a typo of the
    query, how close it is (`word_similarity`, 0.45 to 1).

    Closeness counts only at or above WORD_SIMILARITY_THRESHOLD, where search calls a name
    a typo of the query (its `%>` scans): below it, it measures the trigrams unrelated
    words happen to share, and ranked matches of a word by that noise.

    `typo_keys`, when given, are every row that is a typo (what the typo scans found,
    none cut short): only they are scored for closeness, every other row known to be under
    the threshold. Scoring each of the 1,292 markets "counterfeit" matches at 10,000
    markets spent 6-8 ms on `word_similarity`, for none that is a typo. None: each row is
    tested.
    """
    score = SearchRank(F("search_vector"), tsquery) + Case(
        When(name__iexact=query, then=Value(2.0)),
        When(name__istartswith=query, then=Value(1.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    if not fuzzy or typo_keys == []:
        return score
    # A name or an alias is a typo where either reaches the threshold: the greater of the
    # two is then the closeness that counts.
    closeness = Greatest(*(TrigramWordSimilarity(query, column) for column in NAME_COLUMNS))
    if typo_keys is None:
        return score + AtLeast(closeness, threshold=WORD_SIMILARITY_THRESHOLD)
    return score + Case(
        When(pk__in=key_array(typo_keys), then=closeness),
        default=Value(0.0),
        output_field=FloatField(),
    )
