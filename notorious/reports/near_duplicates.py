"""Near-duplicates: markets and companies a listings import would create that may already be
on record under another name ('Kat.ph' / 'KickassTorrents', 'VK' / 'vKontakte',
'allofmp3.com' / 'Allofmp3').

The import matches names and aliases exactly (ignoring case and spaces); what it would create
is compared here with what exists, by three signs: the same domain, a name or alias that is
the same once case, punctuation and a domain ending are set aside, or a similar name
(pg_trgm's word similarity). The preview lists them; the editor may record the file's name
as an alias of the existing entry and import the rows onto it (`Planner.same_as`).
"""

import re
from dataclasses import dataclass, field

from django.db import connection

from notorious.companies.models import Company
from notorious.markets.models import Market

# How similar two names must be to be shown (pg_trgm word similarity, 0 to 1): 'VK' /
# 'vKontakte' is 0.67, 'Alibaba' / 'AliExpress' 0.38.
SIMILAR = 0.6
# A name written as a domain: 'kat.ph', 'www.allofmp3.com'.
DOMAIN = re.compile(r"^(www\.)?([\w-]+\.)+[a-z]{2,24}$", re.IGNORECASE)
# Second-level labels before a country ending: 'example.co.uk' is 'example'.
SECOND_LEVEL = {"co", "com", "net", "org", "ac", "gov", "edu"}
CHOICE_PREFIX = "same_as:"
# New markets (and companies) of one file compared with those stored: each comparison scans
# the stored ones, so a file of thousands of new names is checked for its first 500 (a year's
# list has some 75); the preview says so (`unchecked_count`).
CHECKED = 500


def unchecked_count(planner):
    """How many new markets and companies of the plan are not looked at for near-duplicates."""
    markets = sum(1 for entry in planner.markets.values() if entry.is_new)
    companies = sum(1 for entry in planner.companies.values() if entry.is_new)
    return max(markets - CHECKED, 0) + max(companies - CHECKED, 0)


def bare_domain(domain):
    domain = domain.strip().casefold()
    return domain[4:] if domain.startswith("www.") else domain


def folded(name):
    """`name` without case, punctuation, spaces or a domain ending: 'Kat.ph' -> 'kat',
    'All of MP3' -> 'allofmp3'."""
    name = name.strip()
    if DOMAIN.match(name):
        labels = bare_domain(name).split(".")[:-1]
        if len(labels) > 1 and labels[-1] in SECOND_LEVEL:
            labels = labels[:-1]
        name = ".".join(labels)
    return "".join(character for character in name.casefold() if character.isalnum())


@dataclass(frozen=True)
class Candidate:
    """An existing entry that may be the one the file names, and why it is thought so."""

    obj: object
    reasons: tuple


@dataclass
class NearDuplicate:
    """A market or company the import would create, with the existing ones it resembles."""

    model: str  # "market" or "company"
    name: str  # as the file gives it
    line: int  # the first row naming it
    candidates: list = field(default_factory=list)

    @property
    def field_name(self):
        """The preview's form field for the editor's choice (an existing entry's id, or
        empty to create the new one)."""
        return f"{CHOICE_PREFIX}{self.model}:{self.name}"


# One query for every name the import would create: for each name, the 20 most similar
# entries showing one of the signs (a similar name, the folded name or a domain within a
# name, alias or domain), as the preview shows at most 5 once the signs are weighed.
CANDIDATES_SQL = """
SELECT wanted.i, found.id, found.similarity
FROM unnest(%(names)s::text[], %(cores)s::text[], %(domains)s::text[], %(kinds)s::text[])
    WITH ORDINALITY AS wanted(name, core, domains, kind, i)
CROSS JOIN LATERAL (
    SELECT entry.id, entry.name, scored.similarity
    FROM {table} AS entry
    CROSS JOIN LATERAL (
        SELECT GREATEST(
            word_similarity(wanted.name, entry.name),
            word_similarity(wanted.name, entry.aliases),
            word_similarity(entry.name, wanted.name)
        ) AS similarity
    ) AS scored
    WHERE (wanted.kind = '' OR {kind_matches})
      AND (
        scored.similarity >= %(similar)s
        OR (wanted.core <> '' AND (strpos(upper(entry.name), upper(wanted.core)) > 0
                                   OR strpos(upper(entry.aliases), upper(wanted.core)) > 0))
        OR {domain_matches}
      )
    ORDER BY scored.similarity DESC, entry.name
    LIMIT 20
) AS found
ORDER BY wanted.i, found.similarity DESC, found.name
"""
# A market's domains hold one of the name's domains (or its folded name).
DOMAIN_MATCHES = """EXISTS (
    SELECT 1 FROM unnest(string_to_array(wanted.domains, E'\\n')) AS domain
    WHERE domain <> '' AND strpos(upper(entry.domains), upper(domain)) > 0
)"""


@dataclass(frozen=True)
class Wanted:
    """A name the import would create, as `candidates_for_all` compares it."""

    name: str
    domains: tuple = ()
    kind: str = ""

    @property
    def core(self):
        return folded(self.name)

    @property
    def wanted_domains(self):
        """Its domains, bare, with its name when it is written as a domain."""
        wanted = {bare_domain(domain) for domain in self.domains if domain}
        if DOMAIN.match(self.name):
            wanted.add(bare_domain(self.name))
        return wanted


def candidates_for(model, name, domains=(), kind=None):
    """The existing entries of `model` that may be the one called `name` (with `domains`,
    for a market of `kind`), most similar first."""
    return candidates_for_all(model, [Wanted(name, tuple(domains), kind or "")])[0]


def candidates_for_all(model, wanted):
    """For each `Wanted`, the existing entries of `model` that may be it, most similar
    first (at most 5): two queries, however many names."""
    if not wanted:
        return []
    is_market = model is Market
    searched = [
        sorted(w.wanted_domains | ({w.core} if w.core else set())) if is_market else []
        for w in wanted
    ]
    sql = CANDIDATES_SQL.format(
        table=connection.ops.quote_name(model._meta.db_table),
        kind_matches="entry.kind = wanted.kind" if is_market else "TRUE",
        domain_matches=DOMAIN_MATCHES if is_market else "FALSE",
    )
    params = {
        "names": [w.name for w in wanted],
        "cores": [w.core for w in wanted],
        "domains": ["\n".join(domains) for domains in searched],
        "kinds": [w.kind if is_market else "" for w in wanted],
        "similar": SIMILAR,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    objects = model.objects.in_bulk({pk for _, pk, _ in found})
    candidates = [[] for _ in wanted]
    for position, pk, similarity in found:  # in each name's order, most similar first
        w = wanted[position - 1]
        reasons = _reasons(objects[pk], similarity, w.core, w.wanted_domains)
        if reasons:
            candidates[position - 1].append(Candidate(objects[pk], reasons))
    return [found[:5] for found in candidates]


def _reasons(obj, similarity, core, wanted):
    """Why `obj` may be the entry called `name`, in words; empty when it is not."""
    reasons = []
    domains = {bare_domain(domain) for domain in getattr(obj, "domain_list", [])}
    shared = sorted(wanted & domains)
    if shared:
        reasons.append(f"same domain {', '.join(shared)}")
    same = [other for other in obj.all_names if core and folded(other) == core]
    if not same and core and any(folded(domain) == core for domain in domains):
        same = sorted(domain for domain in domains if folded(domain) == core)
    if same:
        reasons.append(
            f"same name as “{same[0]}” once case, punctuation and domain ending are set aside"
        )
    if not same and similarity >= SIMILAR:
        reasons.append("a similar name")
    return tuple(reasons)


def find_near_duplicates(planner):
    """A `NearDuplicate` for each market and company the planned import would create that
    resembles an existing one, in the order of the rows (a few queries in all), among the
    first `CHECKED` new markets and the first `CHECKED` new companies."""
    found = []
    new_markets = [entry for entry in planner.markets.values() if entry.is_new][:CHECKED]
    wanted = [Wanted(e.obj.name, tuple(e.obj.domain_list), e.obj.kind) for e in new_markets]
    for entry, candidates in zip(new_markets, candidates_for_all(Market, wanted), strict=True):
        if candidates:
            found.append(NearDuplicate("market", entry.obj.name, entry.line, candidates))
    new_companies = [entry for entry in planner.companies.values() if entry.is_new][:CHECKED]
    wanted = [Wanted(entry.obj.name) for entry in new_companies]
    for entry, candidates in zip(new_companies, candidates_for_all(Company, wanted), strict=True):
        if candidates:
            found.append(NearDuplicate("company", entry.obj.name, entry.line, candidates))
    return sorted(found, key=lambda near: (near.line, near.model))


MODELS = {"market": Market, "company": Company}


def chosen(post, offered):
    """The editor's choices on the preview, as `plan_import`'s `same_as`: {(model, casefolded
    name): existing entry}, and the choices that are not among those `offered` (the
    near-duplicates of the file as it is planned now), which are refused."""
    by_field = {near.field_name: near for near in offered}
    same_as, refused = {}, []
    for key, value in post.items():
        if not key.startswith(CHOICE_PREFIX) or not value:
            continue
        near = by_field.get(key)
        pick = (
            next((c.obj for c in near.candidates if str(c.obj.pk) == value), None) if near else None
        )
        if pick is None:
            refused.append(key.removeprefix(CHOICE_PREFIX).partition(":")[2])
            continue
        same_as[(MODELS[near.model], near.name.casefold())] = pick
    return same_as, refused
