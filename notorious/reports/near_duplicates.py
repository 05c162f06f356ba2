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

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import FloatField, Func, Q, Value
from django.db.models.functions import Greatest

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


def _reverse_word_similarity(expression, text):
    """word_similarity(field, text): how much of `text` the stored name covers."""
    return Func(expression, Value(text), function="word_similarity", output_field=FloatField())


def candidates_for(model, name, domains=(), kind=None):
    """The existing entries of `model` that may be the one called `name` (with `domains`,
    for a market of `kind`), most similar first."""
    core = folded(name)
    wanted = {bare_domain(domain) for domain in domains if domain}
    if DOMAIN.match(name):
        wanted.add(bare_domain(name))
    found = model.objects.annotate(
        similarity=Greatest(
            TrigramWordSimilarity(name, "name"),
            TrigramWordSimilarity(name, "aliases"),
            _reverse_word_similarity("name", name),
        )
    )
    signs = Q(similarity__gte=SIMILAR)
    if core:
        signs |= Q(name__icontains=core) | Q(aliases__icontains=core)
    if model is Market:
        found = found.filter(kind=kind) if kind else found
        for domain in wanted | ({core} if core else set()):
            signs |= Q(domains__icontains=domain)
    candidates = []
    for obj in found.filter(signs).order_by("-similarity", "name")[:20]:
        reasons = _reasons(obj, name, core, wanted)
        if reasons:
            candidates.append(Candidate(obj, reasons))
    return candidates[:5]


def _reasons(obj, name, core, wanted):
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
    if not same and obj.similarity >= SIMILAR:
        reasons.append("a similar name")
    return tuple(reasons)


def find_near_duplicates(planner):
    """A `NearDuplicate` for each market and company the planned import would create that
    resembles an existing one, in the order of the rows."""
    found = []
    for entry in planner.markets.values():
        if entry.is_new:
            market = entry.obj
            candidates = candidates_for(Market, market.name, market.domain_list, market.kind)
            if candidates:
                found.append(NearDuplicate("market", market.name, entry.line, candidates))
    for entry in planner.companies.values():
        if entry.is_new:
            candidates = candidates_for(Company, entry.obj.name)
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
