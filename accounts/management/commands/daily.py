"""`manage.py daily`: run the daily jobs that are due (settings.DAILY_JOBS), catching up on
missed days; running it again the same day does nothing. Run it from cron or a scheduler as
often as you like (the compose file's `daily` service runs it every hour)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.daily import daily_jobs_run


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        report = daily_jobs_run()
        for job, day, result in report.ran:
            self.stdout.write(f"Ran {job} for {day.isoformat()}: {result}")
        for job in report.up_to_date:
            self.stdout.write(f"Up to date: {job}")
        if report.failed:
            failures = "; ".join(f"{job} for {day}: {error}" for job, day, error in report.failed)
            raise CommandError(f"Failed: {failures} (retried on the next run)")
