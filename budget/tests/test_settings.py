"""Settings come from the environment and fail loudly on bad values (docs/rules.md §6)."""

from __future__ import annotations

import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from budget.env import env_bool, env_decimal, env_int, env_list, env_str
from budget.tests.fresh_process import manage


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("0", False), ("ON", True)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", not expected) is expected


@pytest.mark.parametrize("raw", ["yes", "no", "2", "truthy"])
def test_env_bool_rejects_anything_else(monkeypatch, raw):
    monkeypatch.setenv("FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG", False)


def test_env_helpers_fall_back_to_defaults_when_unset(monkeypatch):
    for name in ("A", "B", "C", "D"):
        monkeypatch.delenv(name, raising=False)
    assert env_str("A", "x") == "x"
    assert env_int("B", 3) == 3
    assert env_decimal("C", Decimal("1.50")) == Decimal("1.50")
    assert env_list("D", ["a"]) == ["a"]


@pytest.mark.parametrize("raw", ["abc", "-1", "1.001", "NaN", "Infinity"])
def test_env_decimal_rejects_bad_amounts(monkeypatch, raw):
    monkeypatch.setenv("AMOUNT", raw)
    with pytest.raises(ImproperlyConfigured, match="AMOUNT"):
        env_decimal("AMOUNT", Decimal(0))


def test_env_int_rejects_words_and_small_numbers(monkeypatch):
    monkeypatch.setenv("N", "ten")
    with pytest.raises(ImproperlyConfigured):
        env_int("N", 1)
    monkeypatch.setenv("N", "0")
    with pytest.raises(ImproperlyConfigured):
        env_int("N", 1, minimum=1)


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.example , b.example,,")
    assert env_list("HOSTS", []) == ["a.example", "b.example"]


def _check(**env: str) -> subprocess.CompletedProcess[str]:
    unset = {"SECRET_KEY", "JWT_SECRET", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return manage("check", "--deploy", "--fail-level", "ERROR", env=env, unset=unset)


def test_production_refuses_to_start_without_secrets():
    result = _check(DEBUG="false", ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_a_jwt_secret_equal_to_the_secret_key():
    secret = "x" * 40
    result = _check(DEBUG="false", SECRET_KEY=secret, JWT_SECRET=secret)
    assert result.returncode != 0
    assert "JWT_SECRET must differ" in result.stderr


def test_debug_must_be_a_real_boolean():
    result = _check(DEBUG="yes")
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_production_starts_with_real_secrets():
    result = _check(
        DEBUG="false",
        SECRET_KEY="s" * 20 + "0123456789abcdefghij",
        JWT_SECRET="j" * 20 + "0123456789abcdefghij",
        ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stderr


def test_bad_database_url_is_a_configuration_error():
    result = _check(DATABASE_URL="nosuchdb://x")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_sqlite_keeps_its_connection_and_sets_the_pragmas_once_per_connection():
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("PostgreSQL: dj_database_url sets conn_max_age")
    assert database["CONN_MAX_AGE"] == 600
    assert database["CONN_HEALTH_CHECKS"] is True
    assert "PRAGMA journal_mode=WAL" in database["OPTIONS"]["init_command"]
