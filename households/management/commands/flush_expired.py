"""`manage.py flush_expired`: the clean-up of expired sign-in state, now (`manage.py daily` runs
it once a day with the other daily jobs; this command stays for existing crontabs).

Deletes registrations not confirmed within 10 minutes, refresh tokens past their expiry (with
their blacklist entries), ended device sessions older than the refresh lifetime, used,
revoked or expired invites and re-enrolment links older than 30 days, and expired browser
sessions (as Django's clearsessions does).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from households.services import expired_state_flush


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        counts = expired_state_flush()
        summary = ", ".join(f"{count} {what}" for what, count in counts.items())
        self.stdout.write(f"Flushed: {summary}.")
