"""Country names as readers see them, worked out once per process and language.

django-countries translates a country's name each time it is asked for one (about 70 µs:
the country column of a list of 50 markets cost more than the list's SQL). The names
change only with the language, so each language's are read once, through django-countries
itself (`countries.name`), and then looked up.
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
