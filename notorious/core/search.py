"""The stored full-text vectors: how each searchable model's `search_vector` column is
built, and the SQL expressions searches read them (and the trigram-indexed names) with.
Readers' searches are in notorious/search.py; this part lives in core because the models
of several apps declare the column."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import connections, models, router
from django.db.models import F, Func, Lookup, Value
from django.db.models.expressions import RawSQL

# 'simple' rather than 'english': names such as Pinduoduo or 微信 must not be stemmed.
SEARCH_CONFIG = "simple"


def search_vector_expression(*weighted_fields):
    """The weighted full-text vector of some text fields, e.g.
    `search_vector_expression(("name", "A"), ("summary", "B"))`. Weight A marks the name
    and aliases, which search's `NamesOnly` picks out again."""
    vector = None
    for field_name, weight in weighted_fields:
        part = SearchVector(field_name, weight=weight, config=SEARCH_CONFIG)
        vector = part if vector is None else vector + part
    return vector


def search_vector_field(*weighted_fields):
    """A `search_vector` column that PostgreSQL computes from `weighted_fields` and stores,
    so it is current for rows written any way at all (the admin, bulk_create, update(), a
    restored dump) with no save() hook and no rebuild."""
    return models.GeneratedField(
        expression=search_vector_expression(*weighted_fields),
        output_field=SearchVectorField(),
        db_persist=True,
    )


def search_vector_index(model_name):
    """The named GIN index full-text queries on a model's `search_vector` use."""
    return GinIndex(fields=["search_vector"], name=f"{model_name}_search_vector")


# --- What readers' searches read them with ------------------------------------------------


class ILike(Lookup):
    """`lhs ILIKE rhs` (PostgreSQL). Django's icontains compiles to UPPER(col) LIKE
    UPPER(...), which no index on the column serves; the trigram GIN indexes serve ILIKE."""

    lookup_name = "ilike"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", (*lhs_params, *rhs_params)


def contains_ignoring_case(field_name, text):
    """`field_name` contains `text`, ignoring case, as an index-friendly ILIKE."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return ILike(F(field_name), f"%{escaped}%")


class NamesOnly(Func):
    """The part of a stored vector weighted A: the name and aliases (see
    `search_vector_expression`)."""

    function = "ts_filter"
    template = "%(function)s(%(expressions)s, '{a}')"
    output_field = SearchVectorField()


# --- Reading keys from a ranked queryset --------------------------------------------------


def ids_in_order(queryset):
    """The primary keys of a ranked queryset, in its order.

    Its annotations are selected too: an annotation left out of the SELECT is written into
    ORDER BY as it is, and one that folds to a constant (`via_company` when the query names
    no company) is then a constant PostgreSQL refuses to order by.
    """
    names = list(queryset.query.annotations)
    return [row[0] for row in queryset.values_list("pk", *names)]


def first_keys(key_querysets, limit):
    """The distinct keys among the first `limit` rows of each of `key_querysets` (unordered
    one-column querysets), in one UNION ALL of LIMITed scans: each stops at `limit` however
    many rows match ("synthetic" names 2,500 companies, linked to nearly every article), and
    more than `limit` distinct keys means more than `limit` match. 18 ms against 395 ms to
    count all 38,831 articles matching "counterfeit"."""
    scans = [keys[:limit] for keys in key_querysets]
    if len(scans) > 1:
        # Flat values: no dict built for each row.
        keys = scans[0].union(*scans[1:], all=True).values_list(flat=True)
    else:
        # One scan is a plain queryset, where a `values_list()` naming no column selects
        # every column of the model: name its one column again. (It read all 1,001
        # articles whole, their stored vectors included, for one "counterfeit" search.)
        keys = scans[0].values_list(*scans[0].query.values_select, flat=True)
    return sorted(set(keys))


def keys_found_by(key_querysets, limit):
    """The keys among the first `limit` rows of each of `key_querysets` (unordered
    one-column querysets, a condition each), and which scans found each: {key: a bit mask,
    bit i set where `key_querysets[i]` found it}. One statement: a UNION ALL of LIMITed
    scans, as `first_keys` reads them, grouped by key in PostgreSQL, for a search that
    must know which condition found a row (a name typed with a typo, say) as well as the
    rows. (Read row by row as (key, scan) pairs, "synthetic"'s 15,000 at 10,000 markets
    cost 30 ms of Python.)

    Written as one OR, the conditions are never answered from their indexes: PostgreSQL
    prices the trigram GIN indexes so high that it would rather read the whole table and
    run ILIKE and word_similarity on every row (36 ms for 10,000 markets, 11 ms for 2,500
    companies), while each condition alone is a bitmap scan of its own index (1-3 ms).
    """
    scans = [keys.annotate(scan=Value(index))[:limit] for index, keys in enumerate(key_querysets)]
    union = scans[0].union(*scans[1:], all=True) if len(scans) > 1 else scans[0]
    sql, params = union.values_list("pk", "scan").query.sql_with_params()
    with connections[router.db_for_read(union.model)].cursor() as cursor:
        cursor.execute(
            f"SELECT key, bit_or(1 << scan) FROM ({sql}) AS found (key, scan) GROUP BY key",
            params,
        )
        return dict(cursor.fetchall())


def found_by(found, scans):
    """The keys of `found` (`keys_found_by`) that one of the scans numbered `scans` found."""
    mask = sum(1 << scan for scan in scans)
    return {key for key, by in found.items() if by & mask}


def key_array(keys):
    """`keys` (primary keys read earlier, e.g. by `first_keys`) as the right-hand side of a
    `pk__in`: one array parameter, unnested. As a list, Django prepares and binds each key
    on its own (the 2,300 keys of one "counterfeit" search were its costliest Python under
    cProfile) and PostgreSQL may test every row against the whole list; unnested, it knows
    how many keys there are and probes the primary key for each."""
    # Written as the array's text ('{1,2,3}'): psycopg's list dumper checks and adapts each
    # key on its own (3 ms for the 2,300 keys of one "counterfeit" search at 10,000
    # markets). The keys are integers, so the text holds only digits and commas.
    text = "{" + ",".join(map(str, map(int, keys))) + "}"
    return RawSQL("SELECT unnest(%s::bigint[])", [text])
