"""View helpers shared by the HTML views of every app: the typed request, the member guard,
the household time zone, HTMX-aware rendering, a safe `next`, the throttled page."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from accounts.devices import USER_AGENT_LENGTH, browser_name, device_session_replaced
from accounts.services import SignInClient
from accounts.throttling import client_address

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a member page: `member_required` has let only members through."""

    user: User
    htmx: HtmxDetails


class _Throttled(Protocol):
    retry_after: int


View = Callable[..., HttpResponse]


def user_agent(request: Any) -> str:
    """The client's User-Agent, cut to what a device session stores (a Django or DRF request)."""
    return request.headers.get("User-Agent", "")[:USER_AGENT_LENGTH]


def sign_in_client(request: Any, *, kind: str) -> SignInClient:
    """Where a sign-in by this request comes from (a Django or DRF request)."""
    return SignInClient(address=client_address(request), kind=kind, user_agent=user_agent(request))


def safe_next(request: HttpRequest) -> str | None:
    """The `next` address (POST, then GET) if it is a path back into this site, else None."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not target.startswith("/") or target.startswith("//"):
        return None
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else None


def next_or_home(request: HttpRequest) -> str:
    """Where to go after signing in: a safe `next`, or LOGIN_REDIRECT_URL (the dashboard)."""
    return safe_next(request) or resolve_url(settings.LOGIN_REDIRECT_URL)


SIGNED_OUT_ELSEWHERE_KEY = "signed_out_elsewhere"
# What a signed-out browser was about to save (funnels keeps a typed spending there), offered
# again after the next sign-in in this browser.
KEPT_DRAFT_KEY = "kept_draft"


def note_signed_out_elsewhere(request: HttpRequest) -> None:
    """Remember for the sign-in page that a newer sign-in ended this browser's session.

    Only the first request after it can tell (its cookie still names the ended session); the
    note lives in the new anonymous session until the next sign-in (docs/rules.md §3).
    """
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    if not key or SIGNED_OUT_ELSEWHERE_KEY in request.session:
        return
    newer = device_session_replaced(session_key=key)
    if newer is not None:
        household = newer.user.household
        at = timezone.localtime(newer.created_at, household.tzinfo if household else None)
        request.session[SIGNED_OUT_ELSEWHERE_KEY] = {
            "at": f"{at:%H:%M} on {at.day} {at:%b %Y}",
            "browser": browser_name(newer.user_agent),
        }


def member_required(view: View) -> View:
    """login_required that sends an HTMX request to the sign-in page as a whole-page visit.

    Following the redirect inside the XHR would swap the sign-in form into the page.
    """
    guarded = login_required(view)

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            note_signed_out_elsewhere(request)
        if getattr(request, "htmx", False) and not request.user.is_authenticated:
            login = resolve_url(settings.LOGIN_URL)
            home = resolve_url(settings.LOGIN_REDIRECT_URL)
            return HttpResponseClientRedirect(f"{login}?next={home}")
        return guarded(request, *args, **kwargs)

    return wrapped


def household_time(view: View) -> View:
    """Run the view in the household time zone: forms parse and templates show local times."""

    @functools.wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with timezone.override(request.user.household.tzinfo):
            return view(request, *args, **kwargs)

    return wrapped


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    fragment: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The partial `template#fragment` for an HTMX request, the whole page otherwise."""
    name = f"{template}#{fragment}" if fragment and getattr(request, "htmx", False) else template
    return render(request, name, context, status=status)


def throttled_page(request: HttpRequest, throttled: _Throttled) -> HttpResponse:
    """429 with Retry-After, for too many codes or too many registrations."""
    response = render(
        request,
        "accounts/throttled.html",
        {"retry_after_minutes": max(1, round(throttled.retry_after / 60))},
        status=429,
    )
    response["Retry-After"] = str(throttled.retry_after)
    return response
