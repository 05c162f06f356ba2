"""Reading a whole number from a query string or a form, where anything may arrive.

`str.isdigit()` is true of '²' and of other Unicode digit forms that `int()` refuses (or,
for digits of other scripts, accepts as a number nobody typed), so checking with it and then
converting gave server errors (issue 10). Every number read from a request goes through
`parse_number`, which accepts ASCII digits only and a bounded length.
"""

# Longer than any year, page or id the site has, short enough to never reach the database
# as a number PostgreSQL refuses (a bigint holds 18 digits safely).
MAX_DIGITS = 18


def parse_number(value, maximum=None):
    """The whole number `value` spells in ASCII digits (surrounding spaces allowed), else None.

    None, an empty string, a sign, Unicode digits ('²', '٣'), more than MAX_DIGITS digits, or
    a number above `maximum` (when given) all give None: the caller treats them as absent.
    """
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    text = str(value).strip()
    if not text or len(text) > MAX_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    if maximum is not None and number > maximum:
        return None
    return number
