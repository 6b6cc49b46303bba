"""`manage.py createadmin USERNAME`: a superuser with a household and an authenticator to scan."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.services import Enrolment, recovery_codes_reset
from households.services import household_create


class Command(BaseCommand):
    help = (
        "Create a superuser (with a household of their own) and print the QR code of their "
        "authenticator, its secret and otpauth link. There is no password: the admin signs in "
        "at /login/ with the code, and the first successful sign-in confirms the device."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--display-name", default="")
        parser.add_argument(
            "--no-qr", action="store_true", help="Print only the secret and the link."
        )

    def handle(self, *args: Any, username: str, display_name: str, no_qr: bool, **options: Any):
        if User.objects.filter(username__iexact=username.strip()).exists():
            raise CommandError(f"The username {username!r} is taken.")
        try:
            with transaction.atomic():
                user = User.objects.create_superuser(
                    username.strip(), display_name=display_name.strip()
                )
                household_create(owner=user)
                device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)
                codes = recovery_codes_reset(user=user)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        enrolment = Enrolment(user=user, device=device)
        out = self.stdout
        out.write(f"Superuser {user.username} created.\n")
        out.write("Scan this QR code with an authenticator app:\n")
        if not no_qr:
            enrolment.terminal_qr(out=out._out)
        out.write(f"Secret (to type by hand): {enrolment.secret_grouped}\n")
        out.write(f"otpauth link: {enrolment.otpauth_uri}\n")
        out.write("Recovery codes (shown once, keep them safe):\n")
        for code in codes:
            out.write(f"  {code}\n")
        out.write("Then sign in at /login/ with the username and a code; /admin/ follows.\n")
