"""The daily job that keeps the query planner's statistics current."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection

from budget.database import planner_statistics_refresh

pytestmark = pytest.mark.django_db


def test_it_is_one_of_the_daily_jobs():
    assert "budget.database.planner_statistics_refresh" in settings.DAILY_JOBS


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite gathers no statistics itself")
def test_on_sqlite_the_tables_get_statistics():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone()[0]:
            cursor.execute("DELETE FROM sqlite_stat1")

    result = planner_statistics_refresh()

    with connection.cursor() as cursor:
        # The migrations table always has rows (budget/ sees no app's tables).
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'django_migrations'")
        rows = cursor.fetchall()
        cursor.execute("SELECT count(*) FROM django_migrations")
        (migrations,) = cursor.fetchone()
    assert [int(stat.split()[0]) for (stat,) in rows] == [migrations]
    assert result.startswith("analyzed: ")


@pytest.mark.skipif(connection.vendor == "sqlite", reason="PostgreSQL's autovacuum analyzes")
def test_on_postgresql_it_leaves_it_to_autovacuum():
    assert planner_statistics_refresh() == "left to autovacuum"
