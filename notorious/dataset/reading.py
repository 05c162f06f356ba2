"""Reading an export's files back: `read_json` and `read_csv` give the same records, each
value checked against its column's kind, or raise `DatasetError` saying which file and line
(or record) is wrong."""

import csv
import datetime
import io
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from notorious.core.spreadsheet import unescape_cell

from .tables import (
    BOOL,
    DATE,
    DATETIME,
    DECIMAL,
    FORMAT,
    INT,
    INT_LIST,
    JSON_NAME,
    LIST,
    OPT_INT,
    REF,
    TABLES,
    TEXT,
    VERSION,
    DatasetError,
)


def _parse_csv_cell(text, kind):
    """A CSV cell as the value a JSON file would hold; ValueError with a reason if bad."""
    if kind == TEXT:
        return text
    text = text.strip()
    if kind in (OPT_INT, DATE, REF) and text == "":
        return None
    if kind in (INT, OPT_INT):
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a whole number") from None
    if kind == BOOL:
        if text.lower() not in ("true", "false"):
            raise ValueError(f"{text!r} is not true or false")
        return text.lower() == "true"
    if kind == LIST:
        return [item.strip() for item in text.split(";") if item.strip()]
    if kind == INT_LIST:
        items = [item.strip() for item in text.split(";") if item.strip()]
        try:
            return [int(item) for item in items]
        except ValueError:
            raise ValueError(f"{text!r} is not a list of years separated by ';'") from None
    return text  # DATE, DATETIME, DECIMAL, REF: checked by _typed below


def _typed(value, kind):
    """A JSON value as a Python value for the model; ValueError with a reason if bad."""

    def wrong(expected):
        return ValueError(f"{value!r} is not {expected}")

    if kind == TEXT:
        if not isinstance(value, str):
            raise wrong("text")
        return value
    if kind in (INT, OPT_INT):
        if value is None and kind == OPT_INT:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise wrong("a whole number")
        return value
    if kind == BOOL:
        if not isinstance(value, bool):
            raise wrong("true or false")
        return value
    if kind == DATE:
        if value is None:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise wrong("a date (YYYY-MM-DD)") from None
    if kind == DATETIME:
        try:
            parsed = datetime.datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise wrong("a date and time (ISO 8601)") from None
        if parsed.tzinfo is None:
            raise ValueError(f"{value!r} has no UTC offset")
        return parsed
    if kind == DECIMAL:
        try:
            if not isinstance(value, str):
                raise InvalidOperation
            return Decimal(value)
        except InvalidOperation:
            raise wrong('a decimal number written as text, e.g. "75.00"') from None
    if kind == REF:
        if value is not None and not (isinstance(value, str) and value):
            raise wrong("a slug")
        return value
    if kind == LIST:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise wrong("a list of text")
        return value
    if kind == INT_LIST:
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            raise wrong("a list of years")
        return value
    raise AssertionError(kind)


@dataclass
class Record:
    where: str  # e.g. "markets.csv line 4" or "dataset.json markets[3]"
    values: dict


def _typed_record(table, where, raw):
    values = {}
    for name, kind in table.columns:
        try:
            values[name] = _typed(raw[name], kind)
        except ValueError as error:
            raise DatasetError(f"{where}: {name}: {error}") from None
    return Record(where, values)


def _check_columns(table, found, where):
    missing = [name for name in table.column_names if name not in found]
    unknown = sorted(set(found) - set(table.column_names))
    problems = []
    if missing:
        problems.append(f"missing {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown {', '.join(unknown)}")
    if problems:
        raise DatasetError(f"{where}: columns: {'; '.join(problems)}")


def read_json(directory):
    path = Path(directory) / JSON_NAME
    if not path.is_file():
        raise DatasetError(f"{path} not found (use --from csv to read the CSV files instead).")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DatasetError(f"{JSON_NAME}: not valid JSON: {error}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise DatasetError(f'{JSON_NAME}: not a Notorious dataset (no "format": "{FORMAT}").')
    if document.get("version") != VERSION:
        raise DatasetError(
            f"{JSON_NAME}: version {document.get('version')!r}; this site reads version {VERSION}."
        )
    records = {}
    for table in TABLES:
        rows = document.get(table.name)
        if not isinstance(rows, list):
            raise DatasetError(f"{JSON_NAME}: no list of {table.name}.")
        records[table.name] = []
        for index, raw in enumerate(rows):
            where = f"{JSON_NAME} {table.name}[{index}]"
            if not isinstance(raw, dict):
                raise DatasetError(f"{where}: not an object")
            _check_columns(table, raw, where)
            records[table.name].append(_typed_record(table, where, raw))
    return records


def read_csv(directory):
    records = {}
    for table in TABLES:
        path = Path(directory) / table.filename
        if not path.is_file():
            raise DatasetError(f"{path} not found.")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as error:
            raise DatasetError(f"{table.filename}: not UTF-8 text: {error}") from None
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if header is None:
            raise DatasetError(f"{table.filename}: empty file (expected a header row).")
        _check_columns(table, header, f"{table.filename} line 1")
        kinds = dict(table.columns)
        records[table.name] = []
        line = reader.line_num + 1  # where the next record starts (cells may span lines)
        for cells in reader:
            where = f"{table.filename} line {line}"
            line = reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                raise DatasetError(
                    f"{where}: {len(cells)} cells where the header has {len(header)}"
                )
            raw = {}
            for name, cell in zip(header, cells, strict=True):
                try:
                    # Undo the export's formula escaping ('=x was =x) before reading the value.
                    raw[name] = _parse_csv_cell(unescape_cell(cell), kinds[name])
                except ValueError as error:
                    raise DatasetError(f"{where}: {name}: {error}") from None
            records[table.name].append(_typed_record(table, where, raw))
    return records
