"""Sign-in pages: TOTP login, sign-out, re-enrolment links.

Registration, which founds or joins a household, is in households.views.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import LoginForm
from accounts.models import DeviceKind
from accounts.services import (
    SignIn,
    SignInFailed,
    TooManyAttempts,
    reenrolment_link_complete,
    reenrolment_link_open,
    sign_in,
)
from accounts.sessions import browser_sign_in, browser_sign_out, enrol_page
from accounts.web import (
    KEPT_DRAFT_KEY,
    SIGNED_OUT_ELSEWHERE_KEY,
    next_or_home,
    sign_in_client,
)

LOGIN_FAILED = "That username and code do not match. Check both and try again."


@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """Sign in with a username and a TOTP or recovery code (throttled per name and address)."""
    form = LoginForm(request.POST or None)
    context = {
        "form": form,
        "next": next_or_home(request),
        "signed_out_elsewhere": request.session.get(SIGNED_OUT_ELSEWHERE_KEY),
        "draft": KEPT_DRAFT_KEY in request.session,
    }
    if request.method == "POST" and form.is_valid():
        try:
            signed_in = sign_in(
                username=form.cleaned_data["username"],
                code=form.cleaned_data["code"],
                client=sign_in_client(request, kind=DeviceKind.WEB),
            )
        except TooManyAttempts as throttled:
            context["retry_after_minutes"] = max(1, round(throttled.retry_after / 60))
            response = render(request, "accounts/login.html", context, status=429)
            response["Retry-After"] = str(throttled.retry_after)
            return response
        except SignInFailed:
            form.add_error(None, LOGIN_FAILED)
        else:
            browser_sign_in(request, signed_in)
            request.session.pop(SIGNED_OUT_ELSEWHERE_KEY, None)
            return redirect(context["next"])
    return render(request, "accounts/login.html", context, status=400 if form.errors else 200)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Sign this browser out (its device session ends)."""
    browser_sign_out(request)
    return redirect("accounts:login")


@never_cache
@require_http_methods(["GET", "POST"])
def reenrol(request: HttpRequest, token: str) -> HttpResponse:
    """A re-enrolment link: set up a new authenticator, which replaces the old one."""
    enrolment = reenrolment_link_open(token=token)
    if enrolment is None:
        return render(request, "accounts/link_invalid.html", status=404)

    def welcome_back(signed_in: SignIn) -> HttpResponse:
        messages.success(request, "Your new authenticator is set up. The old one no longer works.")
        return redirect("funnels:dashboard")

    return enrol_page(
        request,
        enrolment=enrolment,
        title="Set up your new authenticator",
        confirm=functools.partial(reenrolment_link_complete, token=token),
        on_signed_in=welcome_back,
    )
