"""Indexes that exist only on PostgreSQL.

SQLite, the zero-set-up default, has no GIN indexes. Rather than hand-editing every
migration, these index classes emit a no-op statement on other databases, so the same
migrations (and `makemigrations --check`) work on both.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db.backends.ddl_references import Statement


class _PostgresOnly:
    def create_sql(self, model, schema_editor, *args, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return Statement("SELECT 1 /* %(name)s: PostgreSQL only */", name=self.name)
        return super().create_sql(model, schema_editor, *args, **kwargs)

    def remove_sql(self, model, schema_editor, *args, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return Statement("SELECT 1 /* %(name)s: PostgreSQL only */", name=self.name)
        return super().remove_sql(model, schema_editor, *args, **kwargs)


class PostgresGinIndex(_PostgresOnly, GinIndex):
    """A GIN index (full-text vectors, trigram operator classes) on PostgreSQL only."""
