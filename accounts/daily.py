"""`manage.py daily`: run each job of settings.DAILY_JOBS once a day, catching up missed days.

A job is a function named by its dotted path. One that takes a keyword `day` is run for every
day since its last recorded run, oldest first (for work that belongs to a date, such as closing
a period); one that does not is run once for today (clean-ups that catch up by themselves).
Each run is recorded as a DailyRun (job, day) in the same transaction as the job's writes, and
the unique (job, day) row makes a second run on the same day, or a concurrent one on another
server, do nothing. A job that fails is rolled back, is not recorded, and is retried on the next
run; later days of that job wait for it.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.models import DailyRun

logger = logging.getLogger("funnels.daily")


@dataclass
class DailyReport:
    """What one `daily` run did: runs made (job, day, result), skipped jobs, failures."""

    ran: list[tuple[str, date, Any]] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    failed: list[tuple[str, date, str]] = field(default_factory=list)


def _takes_day(job: Callable[..., Any]) -> bool:
    return "day" in inspect.signature(job).parameters


def _due_days(job_path: str, *, today: date, per_day: bool) -> list[date]:
    last = DailyRun.objects.filter(job=job_path).order_by("-day").values_list("day", flat=True)
    last_day = last.first()
    if last_day is not None and last_day >= today:
        return []
    if not per_day or last_day is None:
        return [today]
    return [last_day + timedelta(days=n) for n in range(1, (today - last_day).days + 1)]


def _jsonable(result: Any) -> Any:
    if result is None or isinstance(result, str | int | float | bool | list | dict):
        return result
    return str(result)


def daily_jobs_run(*, jobs: list[str] | None = None, today: date | None = None) -> DailyReport:
    """Run what is due of `jobs` (default settings.DAILY_JOBS) up to `today` (default: the
    server's local date) and record each run."""
    today = today or timezone.localdate()
    report = DailyReport()
    for job_path in settings.DAILY_JOBS if jobs is None else jobs:
        job = import_string(job_path)
        per_day = _takes_day(job)
        days = _due_days(job_path, today=today, per_day=per_day)
        if not days:
            report.up_to_date.append(job_path)
        for day in days:
            try:
                with transaction.atomic():
                    # The row first: a concurrent run of the same (job, day) stops here.
                    run = DailyRun.objects.create(job=job_path, day=day)
                    result = job(day=day) if per_day else job()
                    run.result = {"result": _jsonable(result)}
                    run.save(update_fields=["result"])
            except IntegrityError:
                report.up_to_date.append(job_path)
                break
            except Exception as error:
                logger.exception("daily job %s failed for %s", job_path, day)
                report.failed.append((job_path, day, f"{type(error).__name__}: {error}"))
                break
            report.ran.append((job_path, day, result))
    return report
