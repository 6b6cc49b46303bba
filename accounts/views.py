"""Sign-in pages: TOTP login, registration with its QR page, recovery codes, re-enrolment."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import EnrolCodeForm, LoginForm, RegisterForm
from accounts.models import DeviceKind
from accounts.services import (
    SignInFailed,
    TooManyAttempts,
    TooManyRegistrations,
    reenrolment_link_complete,
    reenrolment_link_open,
    registration_confirm,
    registration_pending,
    registration_start,
    sign_in,
)
from accounts.sessions import browser_sign_in, browser_sign_out
from accounts.throttling import client_address
from budget.forms import apply_errors

PENDING_REGISTRATION_KEY = "pending_registration"
LOGIN_FAILED = "That username and code do not match. Check both and try again."


def _user_agent(request: HttpRequest) -> str:
    return request.headers.get("User-Agent", "")[:300]


def _next_url(request: HttpRequest) -> str:
    """Where to go after signing in: a local `next`, or the dashboard."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _too_many(
    request: HttpRequest, throttled: TooManyAttempts | TooManyRegistrations
) -> HttpResponse:
    """429 with Retry-After."""
    response = render(
        request,
        "accounts/throttled.html",
        {"retry_after_minutes": max(1, round(throttled.retry_after / 60))},
        status=429,
    )
    response["Retry-After"] = str(throttled.retry_after)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """Sign in with a username and a TOTP or recovery code (throttled per name and address)."""
    form = LoginForm(request.POST or None)
    context = {"form": form, "next": _next_url(request)}
    if request.method == "POST" and form.is_valid():
        try:
            signed_in = sign_in(
                username=form.cleaned_data["username"],
                code=form.cleaned_data["code"],
                address=client_address(request),
                kind=DeviceKind.WEB,
                user_agent=_user_agent(request),
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
            return redirect(context["next"])
    return render(request, "accounts/login.html", context, status=400 if form.errors else 200)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Sign this browser out (its device session ends)."""
    browser_sign_out(request)
    return redirect("accounts:login")


@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Pick a username (and a display name, an invite code) to start a registration."""
    form = RegisterForm(
        request.POST or None, initial={"invite": request.GET.get("invite", "")[:64]}
    )
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = registration_start(
                username=form.cleaned_data["username"],
                display_name=form.cleaned_data["display_name"],
                invite_code=form.cleaned_data["invite"],
                address=client_address(request),
            )
        except TooManyRegistrations as throttled:
            return _too_many(request, throttled)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            request.session[PENDING_REGISTRATION_KEY] = enrolment.user.username
            return redirect("accounts:register-confirm")
    status = 400 if form.errors else 200
    return render(request, "accounts/register.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def register_confirm(request: HttpRequest) -> HttpResponse:
    """Scan the QR code (or type the secret), then confirm with the first code."""
    username = request.session.get(PENDING_REGISTRATION_KEY, "")
    enrolment = registration_pending(username=username)
    if enrolment is None:
        messages.warning(request, "That registration has expired (after 10 minutes). Start again.")
        return redirect("accounts:register")
    form = EnrolCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signed_in = registration_confirm(
                username=username,
                code=form.cleaned_data["code"],
                address=client_address(request),
                kind=DeviceKind.WEB,
                user_agent=_user_agent(request),
            )
        except TooManyAttempts as throttled:
            return _too_many(request, throttled)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            browser_sign_in(request, signed_in)
            request.session.pop(PENDING_REGISTRATION_KEY, None)
            # Shown in this answer only: the codes are never stored in plain text anywhere.
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": signed_in.recovery_codes, "continue_url": reverse("funnels:dashboard")},
            )
    status = 400 if form.errors else 200
    return render(
        request,
        "accounts/enrol.html",
        {"enrolment": enrolment, "form": form, "title": "Set up your authenticator"},
        status=status,
    )


@require_GET
def invite(request: HttpRequest, code: str) -> HttpResponse:
    """An invite link: register with the invite code filled in."""
    return redirect(f"{reverse('accounts:register')}?{urlencode({'invite': code})}")


@never_cache
@require_http_methods(["GET", "POST"])
def reenrol(request: HttpRequest, token: str) -> HttpResponse:
    """A re-enrolment link: set up a new authenticator, which replaces the old one."""
    enrolment = reenrolment_link_open(token=token)
    if enrolment is None:
        return render(request, "accounts/link_invalid.html", status=404)
    form = EnrolCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signed_in = reenrolment_link_complete(
                token=token,
                code=form.cleaned_data["code"],
                address=client_address(request),
                kind=DeviceKind.WEB,
                user_agent=_user_agent(request),
            )
        except TooManyAttempts as throttled:
            return _too_many(request, throttled)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            browser_sign_in(request, signed_in)
            messages.success(
                request, "Your new authenticator is set up. The old one no longer works."
            )
            return redirect("funnels:dashboard")
    status = 400 if form.errors else 200
    return render(
        request,
        "accounts/enrol.html",
        {"enrolment": enrolment, "form": form, "title": "Set up your new authenticator"},
        status=status,
    )
