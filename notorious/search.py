"""Search: the stored full-text vectors, and (later) the faceted search itself.

The vectors live in a `search_vector` column on each searchable model, with a named GIN
index. They are (re)built here and only here, by `update_search_vectors`, which models
call from `save()` and the `rebuild_search` command calls for everything. On SQLite the
column stays empty and search falls back to case-insensitive matching.
"""

from django.contrib.postgres.search import SearchVector
from django.db import connection

# 'simple' rather than 'english': names such as Pinduoduo or 微信 must not be stemmed.
SEARCH_CONFIG = "simple"


def search_vector_expression(model):
    """The weighted vector of a model's `search_fields`, e.g. (("name", "A"), ("summary", "B"))."""
    vector = None
    for field, weight in model.search_fields:
        part = SearchVector(field, weight=weight, config=SEARCH_CONFIG)
        vector = part if vector is None else vector + part
    return vector


def update_search_vectors(queryset):
    """Rebuild the stored vectors of every row in `queryset` (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return 0
    return queryset.update(search_vector=search_vector_expression(queryset.model))


class Searchable:
    """Mixin for models with a `search_vector` column and a `search_fields` tuple."""

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        update_search_vectors(type(self)._default_manager.filter(pk=self.pk))
