"""What every CSV import shares: decoding the file, checking its header against the
import's columns, reading its rows with their line numbers, and the values several imports
read alike (a year, a name, yes or no).

Each import names its columns with a `CsvFormat`: the listings import (`import_file.py`)
and the editions import (`report_import.py`).
"""

import csv
import io
from collections import Counter
from dataclasses import dataclass

from django.utils.text import Truncator

from notorious.reports.models import FIRST_YEAR, LAST_YEAR

# An import has a dozen columns; a header far wider is not an import file, and is refused
# before its names are read one by one.
MAX_COLUMNS = 100
# A cell longer than this is refused (Python's csv reader enforces it, so no cell, nor the
# header's names, can be longer): the longest text an editor imports, a listing's reasons,
# is a few thousand characters.
MAX_CELL = csv.field_size_limit()
# The problems shown of a file that cannot be imported: the first ones, by line, and how
# many more there are (`ImportFileError.shown`).
SHOWN_ERRORS = 100


class ImportFileError(Exception):
    """The file cannot be imported; `errors` lists every problem found, by line."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in shown_errors(self.errors)[0]))


def shown_errors(errors, limit=None):
    """The first `limit` (`SHOWN_ERRORS` by default) of `errors` and how many are left out:
    a page or a message lists those, then says "and N more problems", so that a file of
    100,000 bad rows gives a short answer."""
    limit = SHOWN_ERRORS if limit is None else limit
    return errors[:limit], max(len(errors) - limit, 0)


@dataclass(frozen=True)
class RowError:
    line: int | None  # the file line the row starts on; None for a file-wide problem
    message: str

    def __str__(self):
        return f"Line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class CsvFormat:
    """An import's columns, in the order the documentation lists them, and those required."""

    columns: tuple
    required: tuple


# --- reading the file ------------------------------------------------------------------------


def decode(data):
    """The file's text; raises ImportFileError (with the line) unless it is UTF-8."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFileError(
            [
                RowError(
                    line,
                    "the file is not UTF-8 text; save it as 'CSV UTF-8' and import it again.",
                )
            ]
        ) from None


def _clean_header(name):
    return "_".join(name.strip().lower().split())


def read_rows(text, file_format):
    """The file's data rows as (line, {column: value}) pairs; raises ImportFileError.

    Values are stripped of surrounding space and absent columns read as empty. Blank rows
    are skipped. Line numbers are those of the file, the header being line 1.
    """
    if "\0" in text:
        # PostgreSQL cannot store NUL characters; they only appear in damaged or binary files.
        line = text[: text.index("\0")].count("\n") + 1
        raise ImportFileError([RowError(line, "this row is not valid CSV (it contains NUL).")])
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    columns = _read_header(reader, file_format)
    rows, errors = [], []
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(RowError(line, f"this row is not valid CSV ({_csv_problem(error)})."))
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
        row = dict.fromkeys(file_format.columns, "")
        row.update({column: cell.strip() for column, cell in zip(columns, cells, strict=True)})
        rows.append((line, row))
    if errors:
        raise ImportFileError(errors)
    if not rows:
        raise ImportFileError([RowError(None, "The file has a header but no rows.")])
    return rows


def _read_header(reader, file_format):
    """The header row's column names, cleaned; raises ImportFileError unless every name
    is known, none is repeated and the required ones are there."""
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError([RowError(None, "The file is empty.")]) from None
    except csv.Error as error:
        raise ImportFileError(
            [RowError(1, f"the header row is not valid CSV ({_csv_problem(error)}).")]
        ) from None

    if len(header) > MAX_COLUMNS:
        raise ImportFileError(
            [
                RowError(
                    1,
                    f"the header row has {len(header):,} columns; an import file has at most "
                    f"{len(file_format.columns)} (the columns are: "
                    + ", ".join(file_format.columns)
                    + ").",
                )
            ]
        )
    columns = [_clean_header(name) for name in header]
    errors = []
    unknown = [name for name in columns if name not in file_format.columns]
    if unknown:
        errors.append(
            RowError(
                1,
                "unknown column(s) "
                + ", ".join(f"'{Truncator(name).chars(40)}'" for name in unknown)
                + "; the columns are: "
                + ", ".join(file_format.columns)
                + ".",
            )
        )
    duplicated = sorted(name for name, count in Counter(columns).items() if name and count > 1)
    if duplicated:
        named = ", ".join(Truncator(name).chars(40) for name in duplicated)
        errors.append(RowError(1, f"column(s) given twice: {named}."))
    missing = [name for name in file_format.required if name not in columns]
    if missing:
        hint = ""
        if len(header) == 1 and ";" in header[0]:
            hint = " Columns must be separated by commas, not semicolons."
        errors.append(RowError(1, "missing required column(s): " + ", ".join(missing) + "." + hint))
    if errors:
        raise ImportFileError(errors)
    return columns


def _csv_problem(error):
    """What the csv module says is wrong, in an editor's words where it is terse."""
    if str(error).startswith("field larger than field limit"):
        return f"a value is longer than {MAX_CELL:,} characters"
    return str(error)


def required_problems(row, file_format):
    """What to say of the row's empty required cells."""
    return [
        f"'{column}' is required and is empty."
        for column in file_format.required
        if not row[column]
    ]


def parse_cells(row, parsers):
    """The row's values, those with a parser (column -> function raising ValueError with
    the reason) converted when not empty, and the reasons of those that could not be."""
    values, problems = dict(row), []
    for column, parser in parsers.items():
        if row[column]:
            try:
                values[column] = parser(row[column])
            except ValueError as error:
                problems.append(str(error))
    return values, problems


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


YES = ("yes", "true", "1")
NO = ("no", "false", "0")


def yes_no_parser(column):
    """A parser for a yes-or-no column: yes/no, true/false or 1/0, any case."""

    def parse(value):
        if value.casefold() in YES:
            return True
        if value.casefold() in NO:
            return False
        raise ValueError(
            f"{column} '{value}' is neither yes nor no (use yes/no, true/false or 1/0)."
        )

    return parse
