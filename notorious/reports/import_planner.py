"""Planning an import: what each row of the file creates or changes, found without writing
anything (`importer.py` describes the import as a whole)."""

from django.utils.text import slugify

from notorious.companies.models import Company
from notorious.core.models import split_aliases
from notorious.markets.models import Market
from notorious.reports.models import Listing, Report

from .import_csv import normalize_name
from .import_file import parse_row
from .import_plan import BasePlanner, Entry


class Planner(BasePlanner):
    """Walks the rows once, building the entries to write; see `plan_import`."""

    column_names = {"section": "kind", "quotation": "quote", "quotation_page": "page"}

    def __init__(self, same_as=None):
        super().__init__()
        # (model, casefolded name) -> an existing entry the editor chose, on the preview, to
        # record that name as an alias of (`near_duplicates.py`).
        self.same_as = same_as or {}
        self.reports = {}  # year -> Report (saved or new)
        self.report_entries = []  # Entries of the new reports only
        self.companies = {}  # pk or id(obj) -> _Entry
        self.company_names = {}  # casefolded name introduced by the file -> _Entry
        self.markets = {}
        self.market_names = {}
        self.listings = {}  # (year, market entry) -> _Entry
        # What the database holds, read once by `prepare`.
        self.slugs = {Company: set(), Market: set()}  # taken, or given to a new entry
        self.stored = {Company: {}, Market: {}}  # pk -> the entries the file may name
        self.names = {Company: {}, Market: {}}  # casefolded name or alias -> pks
        self.stored_reports = {}  # year -> Report
        self.stored_listings = {}  # year -> {market pk: Listing}
        self.look_for_near_duplicates = True  # for the preview (`ListingsPlan.describe`)

    def prepare(self, rows):
        """Read every edition, every company and the markets the file names (by name or
        alias), with the slugs and names taken: a dozen queries, however long the file."""
        self.stored_reports = {report.year: report for report in Report.objects.all()}
        for model in (Company, Market):
            self.slugs[model] = set(model.objects.values_list("slug", flat=True))
            for pk, name, aliases in model.objects.values_list("pk", "name", "aliases"):
                for known in {name.casefold(), *(a.casefold() for a in split_aliases(aliases))}:
                    self.names[model].setdefault(known, []).append(pk)
        # Every company, as ownership is followed up the chain of owners.
        companies = self.stored[Company] = Company.objects.in_bulk()
        for company in companies.values():
            company.parent = companies.get(company.parent_id)
        named = set()
        for _line, row in rows:
            named.add(normalize_name(row["market"]).casefold())
            named.update(alias.casefold() for alias in split_aliases(row["aliases"]))
        pks = {pk for name in named for pk in self.names[Market].get(name, ())}
        self.stored[Market] = Market.objects.in_bulk(pks)
        for market in self.stored[Market].values():
            market.operator = companies.get(market.operator_id)

    def _matching(self, model, name):
        """The stored entries whose name or one of whose aliases is `name` (ignoring case),
        by name: `AliasedQuerySet.matching_name`, on what `prepare` read."""
        pks = self.names[model].get(normalize_name(name).casefold(), ())
        missing = [pk for pk in pks if pk not in self.stored[model]]
        if missing:  # not a name `prepare` saw in the file: read it now
            for obj in model.objects.in_bulk(missing).values():
                self._stored(obj)
        return sorted((self.stored[model][pk] for pk in pks), key=lambda obj: obj.name)

    # entries

    def _unique_slug(self, model, name, fallback):
        base = (slugify(name) or fallback)[:190].strip("-") or fallback
        slug, number = base, 1
        while slug in self.slugs[model]:
            number += 1
            slug = f"{base}-{number}"
        self.slugs[model].add(slug)
        return slug

    def _find(self, model, registry, names, name, line):
        """The entry for the market or company called `name`: one the file introduced, one
        matched by name or alias in the database, or None. Records an error when ambiguous."""
        entry = names.get(name.casefold())
        if entry is not None:
            return entry
        matches = self._matching(model, name)
        if len(matches) > 1:
            listed = ", ".join(f"'{m.name}'" for m in matches)
            self.error(
                line,
                f"'{name}' is a name or alias of several {model._meta.verbose_name_plural} "
                f"({listed}); use the name of the one you mean.",
            )
            return False
        if not matches:
            chosen = self.same_as.get((model, name.casefold()))
            if chosen is None:
                return None
            return self._as_alias(self._stored(chosen), registry, names, name, line)
        obj = matches[0]
        if obj.pk not in registry:
            registry[obj.pk] = Entry(obj, is_new=False, line=line)
        return registry[obj.pk]

    def _as_alias(self, obj, registry, names, name, line):
        """The existing `obj` for the rows naming `name`, which becomes one of its aliases:
        the editor said on the preview that the two are the same."""
        entry = registry.setdefault(obj.pk, Entry(obj, is_new=False, line=line))
        names[name.casefold()] = entry
        self._merge_list(entry, "aliases", [name], "aliases")
        return entry

    def _stored(self, obj):
        """The instance `prepare` read of a stored entry (its owner or operator linked)."""
        stored = self.stored[type(obj)].setdefault(obj.pk, obj)
        if isinstance(stored, Market):
            stored.operator = self.stored[Company].get(stored.operator_id)
        return stored

    def _company(self, name, line):
        name = normalize_name(name)
        entry = self._find(Company, self.companies, self.company_names, name, line)
        if entry is None:
            obj = Company(
                name=name,
                slug=self._unique_slug(Company, name, "company"),
                is_published=False,
            )
            entry = Entry(obj, is_new=True, line=line)
            self.companies[id(obj)] = entry
            self.company_names[name.casefold()] = entry
        return entry

    def _company_entry_of(self, company):
        """The entry for a Company object the plan holds, whether new or from the database."""
        key = company.pk if company.pk is not None else id(company)
        return self.companies.get(key)

    # fields

    def _merge_list(self, entry, field_name, additions, label, lower=False):
        """Add names to a one-per-line field (aliases, domains), keeping those it has."""
        current = split_aliases(getattr(entry.obj, field_name))
        known = {item.casefold() for item in current}
        new = [a.lower() if lower else a for a in additions if a.casefold() not in known]
        if not new:
            return
        previous = entry.changes.get(field_name)
        old = previous.old if previous else ", ".join(current)
        setattr(entry.obj, field_name, "\n".join([*current, *new]))
        self.record_change(entry, field_name, label, old, ", ".join([*current, *new]))

    # rows

    def add_row(self, line, row):
        values, problems = parse_row(row)
        for problem in problems:
            self.error(line, problem)
        if problems:
            return
        report = self._report(values["year"], line)
        market = self._market(line, values)
        if not market:
            return
        self._market_fields(line, market, values)
        self._listing(line, report, market, values)

    def _report(self, year, line):
        if year not in self.reports:
            report = self.stored_reports.get(year)
            if report is None:
                # No title is made up: it is "the 2013 edition" until an editor, or the
                # editions import, gives it the report's own; its publication follows the
                # record for its year (`Publication.for_year`).
                report = Report(year=year, slug=str(year), is_published=False)
                self.report_entries.append(Entry(report, is_new=True, line=line))
            self.reports[year] = report
        return self.reports[year]

    def _market(self, line, values):
        name, kind = values["market"], values["kind"]
        entry = self._find(Market, self.markets, self.market_names, name, line)
        if entry is False:
            return None
        if entry is None:
            obj = Market(
                name=name,
                slug=self._unique_slug(Market, name, "market"),
                kind=kind,
                category="",
                is_published=False,
            )
            entry = Entry(obj, is_new=True, line=line, given={"kind": (kind, kind, line)})
            self.markets[id(obj)] = entry
            self.market_names[name.casefold()] = entry
            return entry
        if entry.obj.kind != kind:
            where = (
                f"on line {entry.given['kind'][2]}" if "kind" in entry.given else "in the database"
            )
            self.error(
                line,
                f"'{entry.obj}' is given as {kind}, but it is {entry.obj.kind} {where}; a "
                "market cannot have two kinds.",
            )
            return None
        entry.given.setdefault("kind", (kind, kind, line))
        return entry

    def _market_fields(self, line, entry, values):
        if values["category"]:
            category = values["category"]
            self.set_field(entry, "category", category, line, "category")
        if values["country"]:
            self.set_field(entry, "country", values["country"], line, "country")
        if values["city"]:
            self.set_field(entry, "city", values["city"], line, "city")
        if values["website"]:
            url, domain = values["website"]
            self.set_field(entry, "website", url, line, "website")
            self._merge_list(entry, "domains", [domain], "domains", lower=True)
        if values["aliases"]:
            self._aliases(line, entry, split_aliases(values["aliases"]))
        if values["company"]:
            company = self._company(values["company"], line)
            if not company:
                return
            if values["parent_company"]:
                self._parent(line, company, values["parent_company"])
            self.set_field(entry, "operator", company.obj, line, "operator")

    def _aliases(self, line, entry, aliases):
        own = {name.casefold() for name in entry.obj.all_names}
        additions = []
        for alias in aliases:
            if alias.casefold() in own:
                continue
            other = self.market_names.get(alias.casefold())
            if other is None:
                other = next(
                    (m for m in self._matching(Market, alias) if m.pk != entry.obj.pk), None
                )
            if other is not None and other is not entry:
                self.error(
                    line,
                    f"alias '{alias}' is already a name of another market, "
                    f"'{getattr(other, 'obj', other)}'.",
                )
                continue
            additions.append(alias)
            own.add(alias.casefold())
            self.market_names[alias.casefold()] = entry
        self._merge_list(entry, "aliases", additions, "aliases")

    def _parent(self, line, company, parent_name):
        parent = self._company(parent_name, line)
        if not parent:
            return
        if parent is company:
            self.error(line, f"'{company.obj}' cannot be its own parent company.")
            return
        # Walk up from the parent, following the owners as the plan leaves them.
        ancestor, seen = parent.obj, set()
        while ancestor is not None and id(ancestor) not in seen:
            seen.add(id(ancestor))
            planned = self._company_entry_of(ancestor)
            if planned is company:
                self.error(
                    line,
                    f"'{parent.obj}' cannot own '{company.obj}': it is owned by it, "
                    "directly or indirectly.",
                )
                return
            ancestor = (planned.obj if planned else ancestor).parent
            if ancestor is not None and self._company_entry_of(ancestor):
                ancestor = self._company_entry_of(ancestor).obj
        self.set_field(company, "parent", parent.obj, line, "parent company")

    def _listing(self, line, report, market, values):
        key = (report.year, market)
        if key in self.listings:
            self.error(
                line,
                f"'{market.obj}' is already on line {self.listings[key].line} for "
                f"{report.year}; a market is listed once per edition.",
            )
            return
        existing = None
        if report.pk and market.obj.pk:
            existing = self._stored_listings(report).get(market.obj.pk)
        if existing is None:
            obj = Listing(report=report, market=market.obj, section=values["kind"])
            obj.is_published = False
            entry = Entry(obj, is_new=True, line=line)
        else:
            existing.market = market.obj
            entry = Entry(existing, is_new=False, line=line)
        self.listings[key] = entry
        self.set_field(entry, "section", values["kind"], line, "section")
        if values["reasons"]:
            self.set_field(entry, "reasons", values["reasons"], line, "reasons")
        if values["quote"]:
            self.set_field(entry, "quotation", values["quote"], line, "quote")
        if values["page"]:
            self.set_field(entry, "quotation_page", values["page"], line, "page")

    def _stored_listings(self, report):
        """The listings of a stored edition, by market: one query per edition."""
        if report.year not in self.stored_listings:
            listings = self.stored_listings[report.year] = {}
            for listing in report.listings.order_by():
                listing.report = report
                listings[listing.market_id] = listing
        return self.stored_listings[report.year]

    # after the last row

    def entries(self):
        return [
            *self.report_entries,
            *self.companies.values(),
            *self.markets.values(),
            *self.listings.values(),
        ]

    def no_longer_named(self):
        """Listings of the file's editions (already entered) whose market the file omits."""
        named = {}
        for (year, market), _entry in self.listings.items():
            if market.obj.pk:
                named.setdefault(year, set()).add(market.obj.pk)
        missing = []
        for year, report in sorted(self.reports.items()):
            if report.pk:
                missing.extend(
                    report.listings.exclude(market_id__in=named.get(year, set()))
                    .select_related("market", "report")
                    .order_by("market__name")
                )
        return missing
