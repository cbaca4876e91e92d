"""Writing many rows of a model, each with values of its own, by one statement
composed once.

Django's ``bulk_create`` and ``bulk_update`` compile a statement with a placeholder
(and for updates a CASE and WHEN) for every value, which costs a fraction of a
millisecond a row in Python. The delivery pass writes such rows inside
transactions that on SQLite hold the one write lock every reader's post waits
for, and that compiling was most of the time the lock was held (bench/README.md,
issue 17). Here the statement is composed, and the values converted, before the
transaction; inside it, ``executemany`` runs the statement once a row, which
SQLite does in microseconds. Written by hand: no maintained library does this
for Django's ORM.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.db.models import Field, Model
from django.db.models.constants import OnConflict


class _Prepared:
    sql: str
    fields: list[Field]

    def run(self, values: list[list]) -> int:
        """Run the statement for each row of ``values``, all or none; the rows it wrote."""
        if not values:
            return 0
        # In autocommit, SQLite would commit each row on its own.
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            cursor.executemany(self.sql, values)
            return cursor.rowcount


class RowUpdate(_Prepared):
    """``UPDATE table SET fields WHERE where``, every field and condition an equality."""

    def __init__(self, model: type[Model], *, fields: Sequence[str], where: Sequence[str]):
        meta, quote = model._meta, connection.ops.quote_name
        self.fields = [meta.get_field(name) for name in (*fields, *where)]
        columns = [quote(field.column) for field in self.fields]
        assignments = ", ".join(f"{column} = %s" for column in columns[: len(fields)])
        conditions = " AND ".join(f"{column} = %s" for column in columns[len(fields) :])
        self.sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {conditions}"

    def values(self, rows: Iterable[Sequence]) -> list[list]:
        """Each row's values (its fields', then its conditions'), as the database takes them."""
        return [
            [
                field.get_db_prep_save(value, connection)
                for field, value in zip(self.fields, row, strict=True)
            ]
            for row in rows
        ]


class RowInsert(_Prepared):
    """``INSERT`` of new instances of ``model``, a row a unique constraint already holds
    skipped, as ``bulk_create(ignore_conflicts=True)``. For models whose primary key
    the database assigns and whose other fields all take their values from Python
    (no ``db_default``, no generated fields), as ``Notification``'s do."""

    def __init__(self, model: type[Model]):
        meta, ops = model._meta, connection.ops
        self.fields = [field for field in meta.concrete_fields if not field.primary_key]
        columns = ", ".join(ops.quote_name(field.column) for field in self.fields)
        placeholders = ", ".join(["%s"] * len(self.fields))
        suffix = ops.on_conflict_suffix_sql(self.fields, OnConflict.IGNORE, None, None)
        self.sql = (
            f"{ops.insert_statement(on_conflict=OnConflict.IGNORE)} {ops.quote_name(meta.db_table)}"
            f" ({columns}) VALUES ({placeholders}) {suffix}"
        ).rstrip()

    def values(self, instances: Iterable[Model]) -> list[list]:
        """Each instance's values, as the database takes them."""
        return [
            [
                field.get_db_prep_save(field.pre_save(instance, True), connection)
                for field in self.fields
            ]
            for instance in instances
        ]
