"""Import a year's list of notorious markets from a CSV file.

Two steps, so that the dry run and the admin's preview show exactly what the import does:

- `plan_import(data)` reads and checks the whole file, writing nothing, and returns an
  `ImportPlan`: the entries it would create, the fields it would change, the listings of the
  editions concerned that the file no longer names, or the errors with their line numbers.
- `ImportPlan.apply()` writes that plan.

`run_import(data, dry_run=...)` does both inside one transaction and raises
`ListingImportError` when any row is bad, so nothing is ever half-imported. The
`import_listings` command and the admin's "Import listings" page are thin wrappers around it.

The format is documented in the README ("Importing a year's list") with an example in
`docs/listings-example.csv`.
"""

import csv
import io
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import Truncator, slugify
from django_countries import countries

from notorious.companies.models import Company
from notorious.core.models import split_aliases
from notorious.markets.models import Category, Kind, Market
from notorious.reports.models import FIRST_YEAR, LAST_YEAR, Listing, Report

COLUMNS = (
    "year",
    "market",
    "kind",
    "category",
    "country",
    "city",
    "company",
    "parent_company",
    "aliases",
    "website",
    "reasons",
    "quote",
    "page",
)
REQUIRED_COLUMNS = ("year", "market", "kind")
PLURALS = {"report": "reports", "company": "companies", "market": "markets", "listing": "listings"}
MAX_PAGE = 32767  # the largest value the page column (a small integer) holds


class ListingImportError(Exception):
    """The file cannot be imported; `errors` lists every problem found, by line."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


@dataclass(frozen=True)
class RowError:
    line: int | None  # the file line the row starts on; None for a file-wide problem
    message: str

    def __str__(self):
        return f"Line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class Creation:
    """An entry the import creates, e.g. ('market', 'WeChat: online, Social commerce')."""

    model: str
    description: str

    def __str__(self):
        return f"{self.model} {self.description}"


@dataclass(frozen=True)
class Change:
    """One field of an existing entry that the import changes."""

    target: str  # e.g. 'market "WeChat"'
    field: str
    old: str
    new: str

    def __str__(self):
        return f"{self.target}: {self.field}: {self.old or '(empty)'} → {self.new}"


# --- reading the file ------------------------------------------------------------------------


def decode(data):
    """The file's text; raises ListingImportError (with the line) unless it is UTF-8."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ListingImportError(
            [
                RowError(
                    line,
                    "the file is not UTF-8 text; save it as 'CSV UTF-8' and import it again.",
                )
            ]
        ) from None


def _clean_header(name):
    return "_".join(name.strip().lower().split())


def read_rows(text):
    """The file's data rows as (line, {column: value}) pairs; raises ListingImportError.

    Values are stripped of surrounding space and absent columns read as empty. Blank rows
    are skipped. Line numbers are those of the file, the header being line 1.
    """
    if "\0" in text:
        # PostgreSQL cannot store NUL characters; they only appear in damaged or binary files.
        line = text[: text.index("\0")].count("\n") + 1
        raise ListingImportError([RowError(line, "this row is not valid CSV (it contains NUL).")])
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ListingImportError([RowError(None, "The file is empty.")]) from None
    except csv.Error as error:
        raise ListingImportError(
            [RowError(1, f"the header row is not valid CSV ({error}).")]
        ) from None

    columns = [_clean_header(name) for name in header]
    errors = []
    unknown = [name for name in columns if name not in COLUMNS]
    if unknown:
        errors.append(
            RowError(
                1,
                "unknown column(s) "
                + ", ".join(f"'{name}'" for name in unknown)
                + "; the columns are: "
                + ", ".join(COLUMNS)
                + ".",
            )
        )
    duplicated = sorted({name for name in columns if name and columns.count(name) > 1})
    if duplicated:
        errors.append(RowError(1, "column(s) given twice: " + ", ".join(duplicated) + "."))
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        hint = ""
        if len(header) == 1 and ";" in header[0]:
            hint = " Columns must be separated by commas, not semicolons."
        errors.append(RowError(1, "missing required column(s): " + ", ".join(missing) + "." + hint))
    if errors:
        raise ListingImportError(errors)

    rows = []
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(RowError(line, f"this row is not valid CSV ({error})."))
            break
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns) and not any(c.strip() for c in cells[len(columns) :]):
            cells = cells[: len(columns)]  # trailing empty cells, as spreadsheets write them
        if len(cells) != len(columns):
            errors.append(
                RowError(
                    line,
                    f"this row has {len(cells)} values but the header has {len(columns)} "
                    "columns (a value containing a comma must be in double quotes).",
                )
            )
            continue
        row = dict.fromkeys(COLUMNS, "")
        row.update({column: cell.strip() for column, cell in zip(columns, cells, strict=True)})
        rows.append((line, row))
    if errors:
        raise ListingImportError(errors)
    if not rows:
        raise ListingImportError([RowError(None, "The file has a header but no rows.")])
    return rows


# --- reading one value -----------------------------------------------------------------------


def normalize_name(value):
    """A name as stored: surrounding space dropped and inner runs of space made single."""
    return " ".join(value.split())


def parse_year(value):
    try:
        year = int(value)
    except ValueError:
        raise ValueError(f"year '{value}' is not a year such as 2021.") from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"year {year} is out of range ({FIRST_YEAR}–{LAST_YEAR}).")
    return year


def parse_kind(value):
    for kind in Kind:
        if value.casefold() in (kind.value.casefold(), kind.label.casefold()):
            return kind.value
    raise ValueError(f"unknown kind '{value}'; use 'online' or 'physical'.")


def parse_category(value):
    for category in Category:
        if value.casefold() in (category.value.casefold(), category.label.casefold()):
            return category.value
    choices = ", ".join(f"{c.value} ({c.label})" for c in Category)
    raise ValueError(f"unknown category '{value}'; use one of: {choices}.")


def parse_country(value):
    """An ISO 3166 alpha-2 code (alpha-3 and numeric codes work too) or English name."""
    code = countries.alpha2(value) if len(value) <= 3 else ""
    code = code or countries.by_name(value)
    if not code:
        raise ValueError(
            f"unknown country '{value}'; use its ISO 3166 alpha-2 code (e.g. CN) or its "
            "English name (e.g. China)."
        )
    return code


def parse_website(value):
    """(URL, domain): a bare domain such as example.org becomes https://example.org."""
    url = value if "://" in value else f"https://{value}"
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValueError(f"website '{value}' is neither a web address nor a domain.") from None
    return url, urlsplit(url).hostname.lower()


def parse_page(value):
    try:
        page = int(value)
    except ValueError:
        raise ValueError(f"page '{value}' is not a page number.") from None
    if not 1 <= page <= MAX_PAGE:
        raise ValueError(f"page {page} is not a page number (1–{MAX_PAGE}).")
    return page


# --- planning --------------------------------------------------------------------------------


@dataclass(eq=False)
class _Entry:
    """An entry the plan creates or may change, with what the file sets on it and where."""

    obj: object
    is_new: bool
    line: int  # the first line naming it
    changes: dict = field(default_factory=dict)  # field -> Change
    given: dict = field(default_factory=dict)  # field -> (value, line): catches conflicts

    @property
    def is_dirty(self):
        return self.is_new or bool(self.changes)


def _display(value):
    if value is None:
        return ""
    if hasattr(value, "name") and hasattr(value, "code"):  # a django-countries Country
        return value.name if value.code else ""
    return Truncator(str(value)).chars(80)


def _display_field(obj, field_name, value):
    """A field's value as an editor reads it: a choice's label rather than its code."""
    choices = dict(obj._meta.get_field(field_name).flatchoices)
    return _display(choices.get(value, value) if isinstance(value, str) else value)


class _Planner:
    """Walks the rows once, building the entries to write; see `plan_import`."""

    def __init__(self):
        self.errors = []
        self.reports = {}  # year -> Report (saved or new)
        self.report_entries = []  # new reports only
        self.companies = {}  # pk or id(obj) -> _Entry
        self.company_names = {}  # casefolded name introduced by the file -> _Entry
        self.markets = {}
        self.market_names = {}
        self.listings = {}  # (year, market entry) -> _Entry
        self.slugs = {Company: set(), Market: set()}

    def error(self, line, message):
        self.errors.append(RowError(line, message))

    # entries

    def _unique_slug(self, model, name, fallback):
        base = (slugify(name) or fallback)[:190].strip("-") or fallback
        slug, number = base, 1
        while slug in self.slugs[model] or model.objects.filter(slug=slug).exists():
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
        matches = list(model.objects.matching_name(name))
        if len(matches) > 1:
            listed = ", ".join(f"'{m.name}'" for m in matches)
            self.error(
                line,
                f"'{name}' is a name or alias of several {model._meta.verbose_name_plural} "
                f"({listed}); use the name of the one you mean.",
            )
            return False
        if not matches:
            return None
        obj = matches[0]
        if obj.pk not in registry:
            registry[obj.pk] = _Entry(obj, is_new=False, line=line)
        return registry[obj.pk]

    def _company(self, name, line):
        name = normalize_name(name)
        entry = self._find(Company, self.companies, self.company_names, name, line)
        if entry is None:
            obj = Company(
                name=name,
                slug=self._unique_slug(Company, name, "company"),
                is_published=False,
            )
            entry = _Entry(obj, is_new=True, line=line)
            self.companies[id(obj)] = entry
            self.company_names[name.casefold()] = entry
        return entry

    def _company_entry_of(self, company):
        """The entry for a Company object the plan holds, whether new or from the database."""
        key = company.pk if company.pk is not None else id(company)
        return self.companies.get(key)

    # fields

    def _set(self, entry, field_name, value, line, label, shown=None):
        """Plan `field_name = value` (a non-empty cell); refuse a second, different value."""
        shown = _display(value) if shown is None else shown
        if field_name in entry.given:
            earlier, earlier_shown, earlier_line = entry.given[field_name]
            if earlier is not value and earlier != value:
                self.error(
                    line,
                    f"{label} '{shown}' differs from '{earlier_shown}' given for "
                    f"{entry.obj} on line {earlier_line}.",
                )
            return
        entry.given[field_name] = (value, shown, line)
        old = getattr(entry.obj, field_name)
        if old is value or old == value:
            return
        setattr(entry.obj, field_name, value)
        if not entry.is_new:
            model = entry.obj._meta.verbose_name
            entry.changes[field_name] = Change(
                f'{model} "{entry.obj}"', label, _display_field(entry.obj, field_name, old), shown
            )

    def _merge_list(self, entry, field_name, additions, label, lower=False):
        """Add names to a one-per-line field (aliases, domains), keeping those it has."""
        current = split_aliases(getattr(entry.obj, field_name))
        known = {item.casefold() for item in current}
        new = [a.lower() if lower else a for a in additions if a.casefold() not in known]
        if not new:
            return
        old = "\n".join(current)
        setattr(entry.obj, field_name, "\n".join([*current, *new]))
        if not entry.is_new:
            model = entry.obj._meta.verbose_name
            previous = entry.changes.get(field_name)
            entry.changes[field_name] = Change(
                f'{model} "{entry.obj}"',
                label,
                previous.old if previous else ", ".join(split_aliases(old)),
                ", ".join(split_aliases(getattr(entry.obj, field_name))),
            )

    # rows

    def parse(self, line, row):
        """The row's values, converted; records errors and returns None when any is bad."""
        values, problems = dict(row), []
        for column in REQUIRED_COLUMNS:
            if not row[column]:
                problems.append(f"'{column}' is required and is empty.")
        parsers = {
            "year": parse_year,
            "kind": parse_kind,
            "category": parse_category,
            "country": parse_country,
            "website": parse_website,
            "page": parse_page,
        }
        unreadable = set()
        for column, parser in parsers.items():
            if row[column]:
                try:
                    values[column] = parser(row[column])
                except ValueError as error:
                    problems.append(str(error))
                    unreadable.add(column)
        for column in ("market", "company", "parent_company", "city"):
            values[column] = normalize_name(row[column])
        if values["parent_company"] and not values["company"]:
            problems.append("'parent_company' is given without a 'company' it owns.")
        kind, category = values["kind"], values["category"]
        if kind and category and not unreadable & {"kind", "category"}:
            if kind == Kind.ONLINE and category == Category.PHYSICAL_MARKETPLACE:
                problems.append("an online market cannot be in the physical marketplace category.")
            if kind == Kind.PHYSICAL and category not in (
                Category.PHYSICAL_MARKETPLACE,
                Category.OTHER,
            ):
                problems.append(
                    "a physical market belongs to the 'Physical marketplace' or 'Other' category."
                )
        for problem in problems:
            self.error(line, problem)
        return None if problems else values

    def add_row(self, line, row):
        values = self.parse(line, row)
        if values is None:
            return
        report = self._report(values["year"])
        market = self._market(line, values)
        if not market:
            return
        self._market_fields(line, market, values)
        self._listing(line, report, market, values)

    def _report(self, year):
        if year not in self.reports:
            report = Report.objects.filter(year=year).first()
            if report is None:
                report = Report(year=year, is_published=False)
                self.report_entries.append(report)
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
            entry = _Entry(obj, is_new=True, line=line, given={"kind": (kind, kind, line)})
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
            self._set(entry, "category", category, line, "category", Category(category).label)
        if values["country"]:
            code = values["country"]
            self._set(entry, "country", code, line, "country", countries.name(code))
        if values["city"]:
            self._set(entry, "city", values["city"], line, "city")
        if values["website"]:
            url, domain = values["website"]
            self._set(entry, "website", url, line, "website")
            self._merge_list(entry, "domains", [domain], "domains", lower=True)
        if values["aliases"]:
            self._aliases(line, entry, split_aliases(values["aliases"]))
        if values["company"]:
            company = self._company(values["company"], line)
            if not company:
                return
            if values["parent_company"]:
                self._parent(line, company, values["parent_company"])
            self._set(entry, "operator", company.obj, line, "operator")

    def _aliases(self, line, entry, aliases):
        own = {name.casefold() for name in entry.obj.all_names}
        additions = []
        for alias in aliases:
            if alias.casefold() in own:
                continue
            other = self.market_names.get(alias.casefold())
            if other is None:
                other = next(
                    (m for m in Market.objects.matching_name(alias) if m.pk != entry.obj.pk),
                    None,
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
        self._set(company, "parent", parent.obj, line, "parent company")

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
            existing = Listing.objects.filter(report=report, market=market.obj).first()
        if existing is None:
            obj = Listing(report=report, market=market.obj, section=values["kind"])
            obj.is_published = False
            entry = _Entry(obj, is_new=True, line=line)
        else:
            entry = _Entry(existing, is_new=False, line=line)
        self.listings[key] = entry
        self._set(entry, "section", values["kind"], line, "section")
        if values["reasons"]:
            self._set(entry, "reasons", values["reasons"], line, "reasons")
        if values["quote"]:
            self._set(entry, "quotation", values["quote"], line, "quote")
        if values["page"]:
            self._set(entry, "quotation_page", values["page"], line, "page")
        if entry.obj.quotation_page and not entry.obj.quotation.strip():
            self.error(line, "'page' is given without the 'quote' it locates.")

    # after the last row

    def validate_fields(self):
        """Run the models' own field checks (lengths, formats) on everything to be written."""
        groups = [
            (self.companies.values(), ["parent"]),
            (self.markets.values(), ["operator"]),
            (self.listings.values(), ["report", "market"]),
        ]
        for entries, exclude in groups:
            for entry in entries:
                if not entry.is_dirty:
                    continue
                skip = list(exclude)
                if isinstance(entry.obj, Market) and not entry.obj.category:
                    skip.append("category")  # left for the editor to choose
                try:
                    entry.obj.clean_fields(exclude=skip)
                except ValidationError as error:
                    for field_name, messages in error.message_dict.items():
                        for message in messages:
                            self.error(entry.line, f"{field_name}: {message}")

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


def plan_import(data):
    """Read and check the whole file (bytes or text) and return an ImportPlan; writes nothing."""
    try:
        rows = read_rows(decode(data))
    except ListingImportError as error:
        return ImportPlan(errors=error.errors)
    planner = _Planner()
    for line, row in rows:
        planner.add_row(line, row)
    if not planner.errors:
        planner.validate_fields()
    if planner.errors:
        errors = sorted(planner.errors, key=lambda e: e.line or 0)
        return ImportPlan(errors=errors, row_count=len(rows))
    return ImportPlan(row_count=len(rows), planner=planner)


class ImportPlan:
    """What importing a file would do (or the reasons it cannot be imported)."""

    def __init__(self, errors=(), row_count=0, planner=None):
        self.errors = list(errors)
        self.row_count = row_count
        self._planner = planner
        self.created, self.changes, self.no_longer_named = [], [], []
        if planner is not None:
            self._describe(planner)

    @property
    def is_valid(self):
        return not self.errors

    @property
    def has_changes(self):
        return bool(self.created or self.changes)

    def _describe(self, planner):
        for report in sorted(planner.report_entries, key=lambda r: r.year):
            self.created.append(Creation("report", f"{report.year} (draft)"))
        for entry in planner.companies.values():
            if entry.is_new:
                company = entry.obj
                owner = f", owned by {company.parent}" if company.parent else ""
                self.created.append(Creation("company", f'"{company}"{owner} (draft)'))
            self.changes.extend(entry.changes.values())
        for entry in planner.markets.values():
            if entry.is_new:
                market = entry.obj
                facts = [market.get_kind_display().lower()]
                if market.category:
                    facts.append(market.get_category_display())
                if market.country:
                    facts.append(market.country.name)
                if market.operator:
                    facts.append(f"operated by {market.operator}")
                self.created.append(Creation("market", f'"{market}": {", ".join(facts)} (draft)'))
            self.changes.extend(entry.changes.values())
        for (year, market), entry in sorted(
            planner.listings.items(), key=lambda item: (item[0][0], str(item[0][1].obj))
        ):
            if entry.is_new:
                section = entry.obj.get_section_display().lower()
                self.created.append(
                    Creation("listing", f'"{market.obj}" in {year} ({section} section, draft)')
                )
            for change in entry.changes.values():
                target = f'{year} listing of "{market.obj}"'
                self.changes.append(Change(target, change.field, change.old, change.new))
        self.no_longer_named = planner.no_longer_named()

    def counts(self):
        """How many entries of each kind are created, e.g. {'market': 3, 'listing': 5}."""
        counts = {}
        for creation in self.created:
            counts[creation.model] = counts.get(creation.model, 0) + 1
        return counts

    def apply(self):
        """Write the plan, in one transaction, and refresh the search vectors it touched."""
        if self.errors:
            raise ListingImportError(self.errors)
        planner = self._planner
        with transaction.atomic():
            for report in planner.report_entries:
                report.save()
            pending = [e for e in planner.companies.values() if e.is_dirty]
            while pending:
                # Owners first: a company's parent must be saved before it can be pointed to.
                ready = [e for e in pending if e.obj.parent is None or e.obj.parent.pk]
                if not ready:  # cannot happen: planning refuses ownership cycles
                    raise RuntimeError("The companies to import own one another in a cycle.")
                for entry in ready:
                    _save(entry)
                pending = [e for e in pending if e not in ready]
            for entry in planner.markets.values():
                if entry.is_dirty:
                    _save(entry)
            for entry in planner.listings.values():
                if entry.is_dirty:
                    _save(entry)

    def summary_lines(self, dry_run=False):
        """The plan as lines of text, for the command's output."""
        would = "Would create" if dry_run else "Created"
        lines = []
        if self.created:
            lines.append(f"{would}:")
            lines.extend(f"  {creation}" for creation in self.created)
        if self.changes:
            lines.append("Would change:" if dry_run else "Changed:")
            lines.extend(f"  {change}" for change in self.changes)
        if self.no_longer_named:
            lines.append("No longer named in this file (still listed; remove them by hand):")
            lines.extend(
                f"  {listing.report.year}: {listing.market}" for listing in self.no_longer_named
            )
        if not self.has_changes:
            lines.append("Nothing to change: the database already matches the file.")
        counts = ", ".join(
            f"{n} {model if n == 1 else PLURALS[model]}" for model, n in self.counts().items()
        )
        verb = "would create" if dry_run else "created"
        lines.append(
            f"{self.row_count} row{'s' if self.row_count != 1 else ''} read; {verb} "
            f"{counts or 'nothing'}; {len(self.changes)} field change"
            f"{'s' if len(self.changes) != 1 else ''}."
        )
        if dry_run:
            lines.append("Dry run: nothing was written.")
        return lines


def _save(entry):
    if entry.is_new:
        entry.obj.save()
    else:
        entry.obj.save(update_fields=[*entry.changes, "updated_at"])


def run_import(data, dry_run=False):
    """Plan the import of `data` (bytes or text) and, unless `dry_run`, write it.

    Checking and writing happen in one transaction, so what is written is what was checked.
    Raises ListingImportError, with every bad row's line and reason, and writes nothing when
    the file cannot be imported as a whole.
    """
    with transaction.atomic():
        plan = plan_import(data)
        if not plan.is_valid:
            raise ListingImportError(plan.errors)
        if not dry_run:
            plan.apply()
    return plan
