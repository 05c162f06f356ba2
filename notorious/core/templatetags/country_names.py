"""`{% load country_names %}`: `{{ market.country|country_name }}`, a country's name as
`country.name` gives it, without translating it again on every row (see
`notorious.core.country_names`)."""

from django import template

from notorious.core.country_names import country_name

register = template.Library()

register.filter("country_name", country_name)
