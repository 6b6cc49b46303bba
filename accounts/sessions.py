"""Browser sign-in and sign-out on top of django.contrib.auth, django-otp and device sessions."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import django_otp
from django.contrib import auth
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.devices import device_session_current_or_start, device_session_end
from accounts.forms import EnrolCodeForm
from accounts.middleware import DEVICE_SESSION_KEY, SESSION_RENEWED_KEY
from accounts.models import DeviceKind, DeviceSession, User
from accounts.services import Enrolment, SignIn, TooManyAttempts
from accounts.web import sign_in_client, throttled_page
from budget.forms import apply_errors


def browser_sign_in(request: HttpRequest, sign_in: SignIn) -> None:
    """Sign the browser in on the device session a TOTP or recovery code just started."""
    sign_in.user.started_device_session = sign_in.session
    auth.login(request, sign_in.user, backend="django.contrib.auth.backends.ModelBackend")
    django_otp.login(request, sign_in.device)


def browser_signed_in_by_code(
    request: HttpRequest, form: Form, confirm: Callable[..., SignIn]
) -> SignIn | HttpResponse | None:
    """Confirm a posted authenticator code (registration or re-enrolment) for this browser.

    `confirm` is the service, called with the code and the SignInClient. Returns what
    signed the browser in, the throttled page, or None: not posted, or the errors are now on
    the form.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        signed_in = confirm(
            code=form.cleaned_data["code"], client=sign_in_client(request, kind=DeviceKind.WEB)
        )
    except TooManyAttempts as throttled:
        return throttled_page(request, throttled)
    except ValidationError as error:
        apply_errors(form, error)
        return None
    browser_sign_in(request, signed_in)
    return signed_in


def enrol_page(
    request: HttpRequest,
    *,
    enrolment: Enrolment,
    title: str,
    confirm: Callable[..., SignIn],
    on_signed_in: Callable[[SignIn], HttpResponse],
) -> HttpResponse:
    """The page that sets up an authenticator: scan the QR code (or type the secret), then
    confirm its first code through `confirm` (see browser_signed_in_by_code).

    A registration and a re-enrolment link both end here; `on_signed_in` answers once the
    code has signed the browser in.
    """
    form = EnrolCodeForm(request.POST or None)
    signed_in = browser_signed_in_by_code(request, form, confirm)
    if isinstance(signed_in, HttpResponse):
        return signed_in
    if signed_in is not None:
        return on_signed_in(signed_in)
    context = {"enrolment": enrolment, "form": form, "title": title}
    return render(request, "accounts/enrol.html", context, status=400 if form.errors else 200)


def browser_sign_out(request: HttpRequest) -> None:
    """End this browser's device session and its Django session."""
    user = request.user
    session_id = request.session.get(DEVICE_SESSION_KEY)
    if user.is_authenticated and session_id:
        device_session_end(user=user, session_id=session_id)
    auth.logout(request)


def device_session_bind(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """On auth.login, store the id of the user's device session in the browser session.

    The TOTP sign-in has just started one (`started_device_session`); any other login, which
    only tests do (force_login), joins the user's current device session or starts one.
    """
    session = getattr(user, "started_device_session", None) or device_session_current_or_start(
        user=user, kind=DeviceKind.WEB
    )
    request.session[DEVICE_SESSION_KEY] = str(session.pk)
    request.session[SESSION_RENEWED_KEY] = int(time.time())  # a new session is fresh
    if request.session.session_key:  # auth.login has just given the session a new key
        DeviceSession.objects.filter(pk=session.pk).update(session_key=request.session.session_key)
