"""Browser sessions: a signed-in session is valid only while its device session is live."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.devices import device_session_is_live

DEVICE_SESSION_KEY = "device_session_id"
SESSION_RENEWED_KEY = "renewed_at"
SESSION_RENEW_AFTER = 24 * 60 * 60  # seconds


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


class SlidingSessionMiddleware:
    """Renew a signed-in browser session's 30-day expiry at most once a day.

    Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) would cost a write on
    every page view; renewing daily keeps an active user signed in just the same. It must come
    after SessionMiddleware, so that the session is saved on the way out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.accessed and DEVICE_SESSION_KEY in session:
            now = int(time.time())
            if now - session.get(SESSION_RENEWED_KEY, 0) >= SESSION_RENEW_AFTER:
                session[SESSION_RENEWED_KEY] = now  # marks it modified: saved with a new expiry
        return response
