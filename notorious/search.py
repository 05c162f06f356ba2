"""Search: the faceted search over companies, markets and coverage, and the stored
full-text vectors it reads.

Each searchable model keeps its vector in a `search_vector` column with a named GIN index.
The column is a `GeneratedField` whose expression is `search_vector_expression(fields)`,
so PostgreSQL itself keeps it current for rows written any way at all (the admin,
bulk_create, update(), a restored dump): nothing here has to rebuild it.

`search(raw_query)` is the one entry point for readers' searches (`search_selection`
gives every match of the same search, for downloads). It returns the published
companies whose name or alias matches, every published market they or their subsidiaries
operate (with the markets matching by name, alias, domain or description), and the
published coverage whose headline or summary matches, each group ranked and counted.

A term matches a row when any of these holds:
- full-text: the stored vector matches the query (ranked by `ts_rank`, coverage snippets
  highlighted by `ts_headline`);
- substring: the name or an alias contains the query, ignoring case. The 'simple' parser
  keeps a run of CJK characters as one word, so "淘宝" would not match "淘宝网" by
  full-text alone; the trigram GIN indexes serve these ILIKE lookups;
- trigram: the query is close to a word of the name or an alias (`word_similarity`), so
  "alibba" still finds Alibaba Group and "tencnet" Tencent.

What the reader typed is cleaned and made into a tsquery, and matches marked in the
results' text, by `search_text.py`.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchQuery
from django.db import connection, transaction
from django.db.models import Q

from notorious.companies.models import Company
from notorious.core.search import (
    SEARCH_CONFIG,
    NamesOnly,
    contains_ignoring_case,
    first_keys,
    found_by,
    ids_in_order,
    key_array,
    keys_found_by,
)
from notorious.markets.models import Market
from notorious.press.models import (
    Article,
    Outlet,
    article_ids,
    company_link_keys,
    outlet_link_keys,
    union_of,
)
from notorious.search_coverage import CoverageRanking
from notorious.search_markets import MarketMatches, first_markets
from notorious.search_names import NAME_COLUMNS, WORD_SIMILARITY_THRESHOLD, name_score
from notorious.search_text import (
    MIN_FUZZY_LENGTH,
    clean_query,
    is_unspaced_script,
    prefix_tsquery,
    uses_search_operators,
)

# Each group shows at most this many results; its count is the full number, except
# coverage's past COVERAGE_RANKED (see below).
RESULTS_PER_GROUP = 50
# Coverage is counted up to this many matches and ranked among at most this many: a common
# word matches a fifth of all articles (38,831 of 200,000 for "counterfeit"), and counting or
# ranking every one reads them all (0.4-0.6 s). Past it the page says "more than 1,000" and
# ranks the first 1,000 matches found; downloads still give every match, ranked.
COVERAGE_RANKED = 1000
# The market group lists at most this many, each with its listing history in words (the
# count is the full number; the downloads hold every match). Fifty took a third of the
# page's time at 10,000 markets ("counterfeit" matches 1,292) and most of its 121 KB.
MARKETS_SHOWN = 20
# Markets are counted up to this many and ranked among at most this many, as coverage is
# (COVERAGE_RANKED): "market" matches nearly all 10,000, and each is scored to be ranked.
MARKETS_RANKED = 2000
# Only this many market results carry a timeline strip (about 6 KB of HTML each); the rest
# state their listing history in words, and each market's page has its strip.
STRIPS_SHOWN = 10
# The planner's price of running an operator on a row during a search (see tune_planner).
SEARCH_CPU_OPERATOR_COST = 0.05
# The planner's price of a random page read during a search (see Search.tune_planner).
SEARCH_RANDOM_PAGE_COST = 1.1


# --- Results ----------------------------------------------------------------------------


@dataclass
class SearchResults:
    """One search: the cleaned query, a message for the reader, and three ranked groups.

    Each group holds at most RESULTS_PER_GROUP entries (markets: MARKETS_SHOWN); the
    `*_count` fields give the full number of matches.
    """

    query: str = ""
    message: str = ""
    companies: list = field(default_factory=list)
    company_count: int = 0
    markets: list = field(default_factory=list)
    market_count: int = 0
    articles: list = field(default_factory=list)
    article_count: int = 0
    outlets: list = field(default_factory=list)
    outlet_count: int = 0
    # True when more coverage matches than `article_count` (= COVERAGE_RANKED) says.
    more_articles: bool = False
    # True when more markets match than `market_count` (= MARKETS_RANKED) says.
    more_markets: bool = False

    @property
    def total(self):
        return self.company_count + self.market_count + self.article_count + self.outlet_count

    @property
    def truncated(self):
        counts = (self.company_count, self.market_count, self.article_count, self.outlet_count)
        return max(counts) > RESULTS_PER_GROUP or self.markets_left_out

    @property
    def markets_left_out(self):
        """Whether more markets match than the group lists (MARKETS_SHOWN)."""
        return self.market_count > MARKETS_SHOWN

    @property
    def more_than_total(self):
        """Whether `total` is a lower bound (a group counted only up to its cap)."""
        return self.more_articles or self.more_markets


def search(raw_query):
    """Search published companies, markets and coverage for what a reader typed."""
    query, message = clean_query(raw_query)
    if not query:
        return SearchResults(message=message)
    backend = Search(query)
    # One transaction, so the trigram threshold set for this search stays local to it.
    with transaction.atomic():
        results = backend.run()
    if not results.total:
        results.message = (
            f"Nothing published matches “{query}”. Check the spelling, or try a company or "
            "market name such as Alibaba or WeChat."
        )
    return results


@dataclass
class SearchSelection:
    """Every match of one search, uncut, as primary keys in the order the results page
    ranks them (for downloads); `message` as in `SearchResults`."""

    query: str = ""
    message: str = ""
    company_ids: list = field(default_factory=list)
    market_ids: list = field(default_factory=list)
    article_ids: list = field(default_factory=list)


def search_selection(raw_query):
    """What `search` finds for `raw_query`, every match of each group rather than the
    first RESULTS_PER_GROUP, as primary keys in rank order."""
    query, message = clean_query(raw_query)
    if not query:
        return SearchSelection(message=message)
    backend = Search(query)
    # One transaction, as in `search`, so the planner settings stay local to it.
    with transaction.atomic():
        company_ids, market_ids, article_ids = backend.ranked_ids()
    return SearchSelection(query, "", company_ids, market_ids, article_ids)


class Search:
    """One reader's query against the published entries: full-text on the stored vectors,
    ranked, with substring and trigram matching on names for CJK runs and typos."""

    def __init__(self, query):
        self.query = query
        self.exact = uses_search_operators(query)
        if self.exact:
            # Quotes, "or" and -exclusions mean what web search engines make of them.
            self.tsquery = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
        else:
            # Every word, each also as a prefix, so "counterfeit" finds "counterfeiting"
            # (the 'simple' configuration does not stem): what websearch_to_tsquery
            # makes of plain words, widened.
            self.tsquery = SearchQuery(
                prefix_tsquery(query), config=SEARCH_CONFIG, search_type="raw"
            )
        # What finds coverage: the same matches, in the form the planner prices best.
        self.coverage_tsquery = self.tsquery
        if not self.exact:
            self.coverage_tsquery = SearchQuery(
                prefix_tsquery(query, spelled_out=True), config=SEARCH_CONFIG, search_type="raw"
            )
        # Typo tolerance would undo an exclusion ("china -wechat" is close to "WeChat").
        self.fuzzy = len(query) >= MIN_FUZZY_LENGTH and not self.exact
        self.coverage = CoverageRanking(query, self.tsquery)

    def run(self):
        """The results page's groups: the first RESULTS_PER_GROUP of each, and counts."""
        self.tune_planner()
        # The matching outlets are read once, whole and by name: their keys find their
        # coverage, and the same rows are the outlet group and its count (a few dozen
        # outlets in all; three statements cost more than the rows).
        outlets = list(self.matching_outlets().order_by("name"))
        companies, company_count, markets, articles = self.selections({o.pk for o in outlets})
        # The first COVERAGE_RANKED + 1 keys found are the count (capped) and the candidates
        # ranked; as a list, a small set the planner probes articles with (not a join it
        # would price as a walk of every article: 188 ms for "alibaba").
        found = first_keys([article_ids(keys) for keys in articles], COVERAGE_RANKED + 1)
        article_count = min(len(found), COVERAGE_RANKED)
        more_articles = len(found) > COVERAGE_RANKED
        articles = Article.objects.filter(pk__in=key_array(found[:COVERAGE_RANKED]))
        # Markets likewise: "market" matches nearly all 10,000, each scored to be ranked.
        found_markets = markets.found(MARKETS_RANKED + 1)
        ranked_companies = companies.select_related("parent")
        # A group that found nothing reads nothing more (a statement each, which a query
        # matching only coverage, or nothing at all, would spend on empty lists).
        return SearchResults(
            query=self.query,
            companies=list(ranked_companies[:RESULTS_PER_GROUP]) if company_count else [],
            company_count=company_count,
            markets=first_markets(markets, found_markets[:MARKETS_RANKED], MARKETS_SHOWN),
            market_count=min(len(found_markets), MARKETS_RANKED),
            more_markets=len(found_markets) > MARKETS_RANKED,
            articles=self.coverage.first(articles, RESULTS_PER_GROUP) if found else [],
            article_count=article_count,
            more_articles=more_articles,
            outlets=outlets[:RESULTS_PER_GROUP],
            outlet_count=len(outlets),
        )

    def ranked_ids(self):
        """The primary keys of every match, uncut, in the order `run` shows them: three
        lists (companies, markets, coverage). For downloads of the whole selection."""
        self.tune_planner()
        companies, _count, markets, articles = self.selections(self.outlet_ids())
        return (
            ids_in_order(companies),
            [pk for pk, *_ in markets.ranked(markets.found())],
            ids_in_order(self.coverage.ordered(Article.objects.filter(pk__in=union_of(articles)))),
        )

    def tune_planner(self):
        """Settings for this search's transaction (call inside it)."""
        with connection.cursor() as cursor:
            # Local settings (is_local=true), ending with the transaction `search` opened.
            # At random_page_cost 4 the planner often scans whole tables and runs the
            # trigram operators, whose cost it underestimates, on every row; priced as the
            # small, cached GIN indexes they are, it combines the indexes instead
            # (docs/benchmarks.md). No parallel workers: which 1,001 matches of a common
            # word are ranked would depend on which worker's rows came first, and a search
            # would now and then show other results ("market", 10,000 markets: 2 in 30).
            # Nor a table scan joining one already under way, for the same reason.
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true), "
                "set_config('random_page_cost', %s, true), "
                "set_config('cpu_operator_cost', %s, true), "
                "set_config('max_parallel_workers_per_gather', '0', true), "
                "set_config('synchronize_seqscans', 'off', true)",
                [
                    str(WORD_SIMILARITY_THRESHOLD),
                    str(SEARCH_RANDOM_PAGE_COST),
                    str(SEARCH_CPU_OPERATOR_COST),
                ],
            )

    def selections(self, outlet_ids):
        """The selections: published companies matching the query (ranked) and how
        many there are, published markets matching it or run by a company it names
        (`MarketMatches`), and the keys of the coverage it finds (`matching_articles`;
        `outlet_ids` are the outlets it names)."""
        # One read of the matching companies' keys (`matching_companies`): the conditions
        # run once, not again for the count, the names and the ranking.
        keys, named, typos = self.matching_companies()
        companies = (
            Company.objects.published()
            .filter(pk__in=key_array(sorted(keys)))
            .annotate(score=self.name_score(sorted(typos)))
            .order_by("-score", "name")
        )
        family = Company.objects.family_ids(sorted(named))
        return (
            companies,
            len(keys),
            self.matching_markets(family),
            self.matching_articles(family, outlet_ids),
        )

    def outlet_ids(self):
        return set(self.matching_outlets().values_list("pk", flat=True))

    def matching_outlets(self):
        """Published outlets whose name or an alias contains the query (or nearly does).

        One OR, not a scan per condition (`keys_found_by`): there are a few dozen outlets (42 at
        10,000 markets), which PostgreSQL reads in less time than Django takes to compile
        four more subqueries."""
        return Outlet.objects.published().filter(reduce(or_, self.name_conditions()))

    def matching_articles(self, family, outlet_ids):
        """Unordered querysets of the keys of published coverage matching the query's
        words, and of coverage linked to a company of `family` (or a market it runs) or
        from an outlet of `outlet_ids`: a reader who names a company or an outlet is looking
        for its coverage. Each is read alone (`first_keys`), never as an OR beside the
        full-text condition, which no index answers."""
        keys = [Article.objects.published().filter(self.article_filter())]
        if family:
            keys += company_link_keys(family, published_articles=True)
        if outlet_ids:
            keys += outlet_link_keys(outlet_ids, published_articles=True)
        return keys

    def matching_markets(self, family):
        """Published markets run by a company in `family`, and those matching the query
        otherwise (`MarketMatches`).

        Separate scans rather than one query with an OR: "operator in family OR text
        matches" cannot be answered from the indexes, so PostgreSQL read every market and
        ran the trigram operators on each (162 ms at 10,000 markets); each alone uses its
        index (the operator's B-tree; the full-text and trigram GIN indexes).
        """
        published = Market.objects.published().order_by()

        def scans(conditions):
            return [published.filter(condition).values("pk") for condition in conditions]

        # One scan per condition, each LIMITed by `keys_found_by` on its own: a name
        # matching nearly every market stops at the cap instead of running every condition
        # in full. The typo scans' keys are kept apart: only they are scored for closeness.
        text = scans([Q(search_vector=self.tsquery), *self.substring_conditions()])
        if family:
            text.insert(0, published.filter(operator_id__in=family).values("pk"))
        return MarketMatches(text, self.name_score, family, scans(self.typo_conditions()))

    def name_conditions(self):
        """The name or an alias contains the query, or (for typos) nearly does: one
        condition per column and operator (`substring_conditions`, `typo_conditions`),
        for the outlets' OR; companies and markets scan each on its own."""
        return [*self.substring_conditions(), *self.typo_conditions()]

    def substring_conditions(self):
        return [Q(contains_ignoring_case(column, self.query)) for column in NAME_COLUMNS]

    def typo_conditions(self):
        """A name or an alias is close to the query (for typos): `%>`, word similarity at
        the threshold set in `tune_planner`."""
        if not self.fuzzy:
            return []
        return [Q(**{f"{column}__trigram_word_similar": self.query}) for column in NAME_COLUMNS]

    def matching_companies(self):
        """The keys of the published companies matching the query, as three sets: all of
        them, those `named` (the name or an alias matches) and the typos among those (see
        `search_names.name_score`). Only a named company brings in its markets and their
        coverage: one whose description happens to mention a word is not what the reader
        named. One statement, a scan per condition (`keys_found_by`)."""
        published = Company.objects.published().order_by()
        published = published.alias(names_vector=NamesOnly("search_vector"))
        typo_conditions = self.typo_conditions()
        conditions = [
            Q(search_vector=self.tsquery),
            Q(search_vector=self.tsquery, names_vector=self.tsquery),
            *self.substring_conditions(),
            *typo_conditions,
        ]
        found = keys_found_by([published.filter(each).values("pk") for each in conditions], None)
        typos = range(len(conditions) - len(typo_conditions), len(conditions))
        return set(found), found_by(found, range(1, len(conditions))), found_by(found, typos)

    def article_filter(self):
        condition = Q(search_vector=self.coverage_tsquery)
        if is_unspaced_script(self.query):
            # 'simple' keeps a CJK run as one word; find it inside longer runs too. As
            # icontains (UPPER ... LIKE), which the coverage list's trigram indexes serve
            # (617 -> 6 ms for "大紀元" at 200,000 articles; ILIKE read every article).
            condition |= Q(headline__icontains=self.query) | Q(summary__icontains=self.query)
        return condition

    def name_score(self, typo_keys=None):
        """How a company or market found is scored (`search_names.name_score`)."""
        return name_score(self.query, self.tsquery, self.fuzzy, typo_keys)
