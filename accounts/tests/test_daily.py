"""`manage.py daily` (docs/rules.md §10): runs what is due once a day, catches up on missed
days, records each run, and does nothing more when run again."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.daily import daily_jobs_run
from accounts.models import DailyRun, User
from accounts.services import registration_start

pytestmark = pytest.mark.django_db

CLEANUP = "households.services.expired_state_flush"
PER_DAY = "accounts.tests.test_daily.record_day"
FLAKY = "accounts.tests.test_daily.fails_on_the_3rd"
# 2030-03-10 09:00 UTC (settings.TIME_ZONE is UTC in tests).
MORNING = datetime(2030, 3, 10, 9, 0, tzinfo=timezone.UTC)

days_seen: list[date] = []


def record_day(*, day: date) -> str:
    """A job that belongs to a date (as period close will)."""
    days_seen.append(day)
    return f"closed {day.isoformat()}"


def fails_on_the_3rd(*, day: date) -> None:
    User.objects.create(username=f"made-{day.isoformat()}")
    if day.day == 3:
        raise RuntimeError("broken")


@pytest.fixture(autouse=True)
def _fresh_days() -> None:
    days_seen.clear()


def _expired_registration(username: str) -> None:
    pending = registration_start(username=username)
    User.objects.filter(pk=pending.user.pk).update(registration_expires_at=timezone.now())


def _output_of(command: str) -> str:
    out = io.StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def test_daily_runs_the_cleanup_once_and_a_second_run_the_same_day_does_nothing(settings):
    settings.DAILY_JOBS = [CLEANUP]
    with time_machine.travel(MORNING, tick=False):
        _expired_registration("late")
        out = _output_of("daily")
        assert "Ran households.services.expired_state_flush for 2030-03-10" in out
        assert not User.objects.filter(username="late").exists()
        run = DailyRun.objects.get()
        assert (run.job, run.day) == (CLEANUP, date(2030, 3, 10))
        assert run.result["result"]["pending registrations"] == 1

        _expired_registration("later")  # appears after today's run: waits for tomorrow
        again = _output_of("daily")
        assert "Up to date: households.services.expired_state_flush" in again
        assert "Ran" not in again
        assert User.objects.filter(username="later").exists()
        assert DailyRun.objects.count() == 1

    with time_machine.travel(MORNING + timedelta(days=1), tick=False):
        _output_of("daily")
        assert not User.objects.filter(username="later").exists()
        assert DailyRun.objects.count() == 2


def test_a_day_job_catches_up_every_missed_day_in_order(settings):
    settings.DAILY_JOBS = [PER_DAY]
    with time_machine.travel(MORNING, tick=False):
        daily_jobs_run()
    assert days_seen == [date(2030, 3, 10)]  # the first run starts today, not in the past

    with time_machine.travel(MORNING + timedelta(days=3, hours=14), tick=False):
        report = daily_jobs_run()
        assert daily_jobs_run().ran == []
    assert days_seen == [date(2030, 3, d) for d in (10, 11, 12, 13)]
    assert [day for _, day, _ in report.ran] == [date(2030, 3, d) for d in (11, 12, 13)]
    assert list(DailyRun.objects.values_list("day", flat=True)) == [
        date(2030, 3, d) for d in (10, 11, 12, 13)
    ]
    assert DailyRun.objects.get(day=date(2030, 3, 12)).result == {"result": "closed 2030-03-12"}


def test_a_job_without_a_day_runs_once_when_catching_up(settings):
    settings.DAILY_JOBS = [CLEANUP]
    with time_machine.travel(MORNING, tick=False):
        daily_jobs_run()
    with time_machine.travel(MORNING + timedelta(days=5), tick=False):
        report = daily_jobs_run()
    assert [day for _, day, _ in report.ran] == [date(2030, 3, 15)]


def test_the_day_is_the_servers_local_date(settings):
    settings.DAILY_JOBS = [PER_DAY]
    settings.TIME_ZONE = "Pacific/Auckland"  # UTC+13 in March
    with time_machine.travel(MORNING + timedelta(hours=12), tick=False):  # the 11th there
        daily_jobs_run()
    assert days_seen == [date(2030, 3, 11)]


def test_a_failing_day_is_rolled_back_not_recorded_and_retried(settings):
    settings.DAILY_JOBS = [FLAKY, PER_DAY]
    with time_machine.travel(datetime(2030, 3, 1, 9, tzinfo=timezone.UTC), tick=False):
        daily_jobs_run()
    with (
        time_machine.travel(datetime(2030, 3, 4, 9, tzinfo=timezone.UTC), tick=False),
        pytest.raises(CommandError, match="fails_on_the_3rd for 2030-03-03: RuntimeError"),
    ):
        _output_of("daily")
    made = set(User.objects.filter(username__startswith="made-").values_list("username", flat=True))
    assert made == {"made-2030-03-01", "made-2030-03-02"}  # the 3rd's write was rolled back
    assert set(DailyRun.objects.filter(job=FLAKY).values_list("day", flat=True)) == {
        date(2030, 3, 1),
        date(2030, 3, 2),
    }
    # The other job was not held up by the broken one.
    assert days_seen == [date(2030, 3, d) for d in (1, 2, 3, 4)]


def test_flush_expired_stays_as_an_immediate_alias(settings):
    with time_machine.travel(MORNING, tick=False):
        _expired_registration("late")
        out = _output_of("flush_expired")
    assert "1 pending registrations" in out
    assert not User.objects.filter(username="late").exists()


def test_the_configured_jobs_import():
    from django.conf import settings
    from django.utils.module_loading import import_string

    assert settings.DAILY_JOBS
    for job in settings.DAILY_JOBS:
        assert callable(import_string(job))
