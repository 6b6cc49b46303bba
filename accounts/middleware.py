"""Browser sessions: a signed-in session is valid only while its device session is live."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.selectors import device_session_is_live

DEVICE_SESSION_KEY = "device_session_id"


class DeviceSessionMiddleware:
    """Sign a browser out when its device session ended; mark TOTP-verified sign-ins.

    Takes the place of django_otp's OTPMiddleware (it must come after AuthenticationMiddleware).
    A session counts as signed in only when it carries the id of a live device session of its
    user; with SINGLE_ACTIVE_DEVICE that is the user's current one, read from the user row that
    AuthenticationMiddleware loads anyway, so the check costs no query. A session whose device
    was replaced by a newer sign-in is flushed on its next request. `user.is_verified()` (used
    by the admin) is true when the sign-in went through a TOTP or recovery code.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        request.user = SimpleLazyObject(functools.partial(self._checked_user, request, user))
        return self.get_response(request)

    @staticmethod
    def _checked_user(request: HttpRequest, user: Any) -> Any:
        if user.is_authenticated and not device_session_is_live(
            user=user, session_id=request.session.get(DEVICE_SESSION_KEY)
        ):
            request.session.flush()
            user = AnonymousUser()
        verified = user.is_authenticated and DEVICE_ID_SESSION_KEY in request.session
        user.is_verified = functools.partial(bool, verified)
        user.otp_device = None
        return user
