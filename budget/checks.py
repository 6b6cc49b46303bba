"""System checks of the project's own settings (registered in accounts.apps)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register

W_SECURE_COOKIES_OFF = "funnels.W001"


@register(Tags.security, deploy=True)
def secure_cookies_check(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """`check --deploy` warns while SECURE_COOKIES is off (cookies also travel over http)."""
    if settings.SECURE_COOKIES:
        return []
    return [
        Warning(
            "SECURE_COOKIES is off: the session and CSRF cookies are also sent over plain "
            "http, where anyone on the network can read them and take over a session.",
            hint=(
                "Keep it off only for a server reached over plain http on a trusted home "
                "network; serve Funnels over https and unset SECURE_COOKIES otherwise."
            ),
            id=W_SECURE_COOKIES_OFF,
        )
    ]
