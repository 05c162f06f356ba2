"""The stored full-text vectors: how each searchable model's `search_vector` column is
built. Readers' searches are in notorious/search.py; this part lives in core because the
models of several apps declare the column."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models

# 'simple' rather than 'english': names such as Pinduoduo or 微信 must not be stemmed.
SEARCH_CONFIG = "simple"


def search_vector_expression(*weighted_fields):
    """The weighted full-text vector of some text fields, e.g.
    `search_vector_expression(("name", "A"), ("summary", "B"))`. Weight A marks the name
    and aliases, which search's `NamesOnly` picks out again."""
    vector = None
    for field_name, weight in weighted_fields:
        part = SearchVector(field_name, weight=weight, config=SEARCH_CONFIG)
        vector = part if vector is None else vector + part
    return vector


def search_vector_field(*weighted_fields):
    """A `search_vector` column that PostgreSQL computes from `weighted_fields` and stores,
    so it is current for rows written any way at all (the admin, bulk_create, update(), a
    restored dump) with no save() hook and no rebuild."""
    return models.GeneratedField(
        expression=search_vector_expression(*weighted_fields),
        output_field=SearchVectorField(),
        db_persist=True,
    )


def search_vector_index(model_name):
    """The named GIN index full-text queries on a model's `search_vector` use."""
    return GinIndex(fields=["search_vector"], name=f"{model_name}_search_vector")
