"""HTML views of the household and account pages, on the accounts services and selectors."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.models import User
from budget.forms import apply_errors
from funnels.forms import CodeForm, DisplayNameForm, HouseholdSettingsForm
from funnels.views import household_time

TIME_ZONES = sorted(zoneinfo.available_timezones())


def _household_page(
    request: HttpRequest, settings_form: HouseholdSettingsForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    household = user.household
    invites = account_selectors.invites_open_for(user=user) if user.is_owner else []
    context = {
        "household": household,
        "members": account_selectors.household_members(user=user),
        "invites": [
            (invite, request.build_absolute_uri(reverse("accounts:invite", args=[invite.code])))
            for invite in invites
        ],
        "settings_form": settings_form
        or HouseholdSettingsForm(
            initial={
                "name": household.name,
                "currency": household.currency,
                "timezone": household.timezone,
                "period_start_day": str(household.period_start_day),
                "allowance_mode": household.allowance_mode,
            }
        ),
        "time_zones": TIME_ZONES,
    }
    return render(request, "household/household.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@household_time
def household(request: HttpRequest) -> HttpResponse:
    """Members, invites and settings of the household; the owner changes the settings here."""
    if request.method == "GET":
        return _household_page(request)
    form = HouseholdSettingsForm(request.POST)
    if form.is_valid():
        try:
            account_services.household_update(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Household settings saved.")
            return redirect("funnels:household")
    return _household_page(request, settings_form=form, status=422)


@require_POST
@login_required
def invite_create(request: HttpRequest) -> HttpResponse:
    """The owner creates a single-use invite link, valid for 7 days."""
    account_services.invite_create(user=request.user)
    messages.success(request, "Invite created: send its link to the person joining.")
    return redirect(f"{reverse('funnels:household')}#invites")


@require_POST
@login_required
def invite_revoke(request: HttpRequest, code: str) -> HttpResponse:
    """The owner revokes an invite that was not used yet."""
    invite = get_object_or_404(account_selectors.invites_of(user=request.user), code=code)
    account_services.invite_revoke(user=request.user, invite=invite)
    messages.success(request, "Invite revoked.")
    return redirect(f"{reverse('funnels:household')}#invites")


def _member(request: HttpRequest, username: str) -> User:
    members = account_selectors.household_members(user=request.user)
    return get_object_or_404(members, username=username)


@require_http_methods(["GET", "POST"])
@login_required
def member_remove(request: HttpRequest, username: str) -> HttpResponse:
    """The owner removes a member after confirming: their account ends like a deletion."""
    member = _member(request, username)
    if request.method == "POST":
        try:
            account_services.member_remove(user=request.user, member=member)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{member.name} is no longer in the household.")
        return redirect("funnels:household")
    return render(request, "household/member_remove.html", {"member": member})


@require_POST
@never_cache
@login_required
def member_reenrol(request: HttpRequest, username: str) -> HttpResponse:
    """The owner issues a one-time link for a member who lost their authenticator."""
    member = _member(request, username)
    token = account_services.reenrolment_link_issue(issued_by=request.user, user=member)
    link = request.build_absolute_uri(reverse("accounts:reenrol", args=[token]))
    return render(request, "household/reenrol_link.html", {"member": member, "link": link})


def _account_page(request: HttpRequest, status: int = 200, **forms: Any) -> HttpResponse:
    user = request.user
    context = {
        "name_form": forms.get("name_form")
        or DisplayNameForm(initial={"display_name": user.display_name}),
        "codes_form": forms.get("codes_form") or CodeForm(prefix="codes"),
        "reenrol_form": forms.get("reenrol_form") or CodeForm(prefix="reenrol"),
        "device": account_selectors.device_session_current(user=user),
        "codes_left": account_selectors.recovery_codes_left(user=user),
    }
    return render(request, "account/account.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@household_time
def account(request: HttpRequest) -> HttpResponse:
    """Display name, recovery codes, authenticator, the active device, account deletion."""
    if request.method == "GET":
        return _account_page(request)
    form = DisplayNameForm(request.POST)
    if form.is_valid():
        try:
            account_services.user_update(
                user=request.user, display_name=form.cleaned_data["display_name"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Name saved.")
            return redirect("funnels:account")
    return _account_page(request, status=422, name_form=form)


@require_POST
@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes for a current code; shown once."""
    form = CodeForm(request.POST, prefix="codes")
    if form.is_valid():
        try:
            codes = account_services.recovery_codes_regenerate(
                user=request.user, code=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return render(request, "account/recovery_codes.html", {"codes": codes})
    return _account_page(request, status=422, codes_form=form)


@require_http_methods(["GET", "POST"])
@never_cache
@login_required
def authenticator(request: HttpRequest) -> HttpResponse:
    """Move sign-in to a new authenticator: a current code first, then the new app's code."""
    if request.method == "POST" and request.POST.get("step") == "start":
        form = CodeForm(request.POST, prefix="reenrol")
        if form.is_valid():
            try:
                account_services.authenticator_reenrol_start(
                    user=request.user, code=form.cleaned_data["code"]
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect("funnels:authenticator")
        return _account_page(request, status=422, reenrol_form=form)
    enrolment = account_services.authenticator_reenrol_pending(user=request.user)
    if enrolment is None:
        return redirect("funnels:account")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                account_services.authenticator_reenrol_confirm(
                    user=request.user, code=form.cleaned_data["code"]
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Your new authenticator app is the one to use now.")
                return redirect("funnels:account")
        status = 422
    context = {"enrolment": enrolment, "form": form}
    return render(request, "account/authenticator.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    """Delete one's own account after typing a current code."""
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                account_services.account_delete(user=request.user, code=form.cleaned_data["code"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                auth.logout(request)
                return redirect("accounts:login")
        status = 422
    return render(request, "account/delete.html", {"form": form}, status=status)
