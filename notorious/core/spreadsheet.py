"""Keeping CSV cells from running as spreadsheet formulas ("CSV injection").

A spreadsheet program opening a CSV file treats a cell starting with `=`, `+`, `-` or `@`
(or, in some programs, a tab or carriage return) as a formula, so a market named
`=HYPERLINK("https://evil.example", "Taobao")` would become a live link in a reader's
sheet. Following OWASP's advice, every CSV writer passes its cells through `escape_cell`,
which puts a single quote in front of such a cell: spreadsheets show it as text.

The dataset export is also read back by `import_dataset`, so the escaping must be undone
exactly (`unescape_cell`). A cell that already starts with quotes followed by one of those
characters (`'=x`) gets one more quote too; the reader then takes one quote off any cell
that starts with quotes followed by one of them, and nothing off any other cell.

Plain numbers (`-75.5`) are left as they are, so a negative figure stays a number in the
sheet: a number cannot run anything.
"""

import re

# Characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_START = "=+-@\t\r"
ESCAPE = "'"

_NEEDS_ESCAPE = re.compile(f"{ESCAPE}*[{re.escape(FORMULA_START)}]")
_ESCAPED = re.compile(f"{ESCAPE}+[{re.escape(FORMULA_START)}]")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def escape_cell(text):
    """`text` as a CSV cell a spreadsheet shows as text, never runs as a formula."""
    if _PLAIN_NUMBER.fullmatch(text) or not _NEEDS_ESCAPE.match(text):
        return text
    return ESCAPE + text


def unescape_cell(text):
    """The text `escape_cell` was given for the cell `text` (the inverse of escape_cell)."""
    if _ESCAPED.match(text):
        return text[len(ESCAPE) :]
    return text
