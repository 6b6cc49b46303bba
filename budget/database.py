"""Upkeep of the database itself (not of any app's rows)."""

from __future__ import annotations

from django.db import connection

# Rows ANALYZE reads per index on SQLite: enough for the planner, seconds at most however big.
SQLITE_ANALYSIS_LIMIT = 1000


def planner_statistics_refresh() -> str:
    """Daily job: keep the query planner's statistics current.

    SQLite gathers none by itself: without them it may pick the funnel index and sort every
    visible spending where walking `spending_newest` stops at a page (README, Benchmark). An
    ANALYZE bounded by `analysis_limit` fixes that in well under a second. PostgreSQL's
    autovacuum already analyzes tables as they change."""
    if connection.vendor != "sqlite":
        return "left to autovacuum"
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(DISTINCT tbl) FROM sqlite_stat1")
        (tables,) = cursor.fetchone()
    return f"analyzed: {tables} tables have statistics"
