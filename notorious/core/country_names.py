"""Country names as readers see them, worked out once per process and language.

django-countries translates a country's name each time it is asked for one (about 70 µs:
the country column of a list of 50 markets cost more than the list's SQL). The names
change only with the language, so each language's are read once, through django-countries
itself (`countries.name`), and then looked up.

Reading a CountryField builds a `Country` object each time (about 15 µs): `country_code`
reads the code the row holds instead, for lists that show a country on every row.
"""

from functools import lru_cache

from django.utils.translation import get_language
from django_countries import countries


@lru_cache(maxsize=8)
def _names_in(language):
    # Called with the active language: each name is translated into it.
    return {code: countries.name(code) for code in countries.countries}


def country_name(country):
    """The name of `country` (a CountryField's value, or a code) in the active language,
    as `country.name` gives it; "" when there is none."""
    code = str(getattr(country, "code", country) or "")
    if not code:
        return ""
    name = _names_in(get_language()).get(code)
    return name if name is not None else countries.name(code)


def country_code(entry, field_name="country"):
    """The code `entry`'s CountryField `field_name` holds ("" when none): what
    `entry.country.code` gives, without building django-countries' `Country` object."""
    if field_name not in entry.__dict__:  # deferred: django-countries reads it
        return getattr(entry, field_name).code
    return entry.__dict__[field_name] or ""
