"""Formula escaping of CSV cells (notorious.core.spreadsheet): what is escaped, and that the
dataset importer's unescaping undoes exactly that."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notorious.core.spreadsheet import escape_cell, unescape_cell


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("'=x", "''=x"),  # so the importer can tell an escape from a quote of the text
        ("''-x", "'''-x"),
        ("'Tis", "'Tis"),  # a quote before anything else is the text's own
        ("a=b", "a=b"),
        ("", ""),
        # Plain numbers stay numbers: a negative figure is not a formula.
        ("-75.5", "-75.5"),
        ("-3", "-3"),
        ("42", "42"),
        ("-", "'-"),
        ("-1e3", "'-1e3"),
        ("-٣", "'-٣"),  # digits of other scripts are not a spreadsheet's numbers
    ],
)
def test_cells_starting_like_a_formula_are_escaped_and_numbers_are_not(text, cell):
    assert escape_cell(text) == cell
    assert unescape_cell(cell) == text


@given(st.text(alphabet="'=+-@\t\r0123456789.a ", max_size=8))
def test_unescaping_undoes_exactly_the_escaping(text):
    assert unescape_cell(escape_cell(text)) == text
