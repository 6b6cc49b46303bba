"""Authenticator enrolment: a TOTP device and what an authenticator app needs to add it."""

from __future__ import annotations

from base64 import b32encode
from dataclasses import dataclass

import segno
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import (
    User,
)

# --- Enrolment: a TOTP device and how to put it in an authenticator app ----------------------


@dataclass(frozen=True)
class Enrolment:
    """A TOTP device waiting for its first code, with what the authenticator app needs."""

    user: User
    device: TOTPDevice

    @property
    def secret(self) -> str:
        """The base32 secret for typing into the app by hand."""
        return b32encode(self.device.bin_key).decode()

    @property
    def secret_grouped(self) -> str:
        """The secret in groups of four, easier to type."""
        return " ".join(self.secret[i : i + 4] for i in range(0, len(self.secret), 4))

    @property
    def otpauth_uri(self) -> str:
        return self.device.config_url

    @property
    def qr_svg(self) -> str:
        """The otpauth link as an inline SVG QR code (no script, no style attribute)."""
        qr = segno.make(self.otpauth_uri, error="m")
        return qr.svg_inline(
            scale=5, dark="#000", light="#fff", title="QR code to scan", omitsize=True
        )

    def terminal_qr(self, out: object) -> None:
        """Print the QR code to a terminal (createadmin)."""
        segno.make(self.otpauth_uri, error="m").terminal(out=out, compact=True)


def _new_totp_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)
