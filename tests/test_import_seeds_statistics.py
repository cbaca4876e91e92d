"""The import_seeds command keeps PostgreSQL's planner statistics fresh, and only when it
has written."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from tests.helpers import SEEDS, import_seeds, on_postgresql, on_sqlite

pytestmark = pytest.mark.django_db


def analyzes(**options) -> bool:
    with CaptureQueriesContext(connection) as queries:
        import_seeds(SEEDS, **options)
    return any("ANALYZE" in query["sql"] for query in queries)


def comment_table_stats() -> tuple[float, int]:
    """PostgreSQL's row estimate and all-visible page count for the comment table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples, relallvisible FROM pg_class WHERE relname = 'comments_comment'"
        )
        return cursor.fetchone()


@pytest.mark.postgres
@on_postgresql
def test_import_refreshes_postgresqls_statistics_once_it_has_written():
    assert analyzes()
    assert comment_table_stats()[0] == Comment.objects.count()


@pytest.mark.postgres
@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_import_outside_a_transaction_also_vacuums_so_counts_read_the_index_alone():
    assert analyzes()
    assert comment_table_stats()[1] > 0


def test_import_that_writes_nothing_leaves_the_statistics_alone():
    assert not analyzes(dry_run=True)
    import_seeds(SEEDS)
    assert not analyzes()


@on_sqlite
def test_sqlite_import_needs_no_statistics():
    assert not analyzes()
