"""HTML views of the households app: registration (founding or joining a household), the
household page (members, invites, settings) and the account page (name, codes, authenticator,
deletion)."""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import auth, messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.devices import device_session_current
from accounts.models import User
from accounts.services import SignIn, TooManyRegistrations
from accounts.sessions import enrol_page
from accounts.throttling import client_address
from accounts.web import (
    AuthenticatedHttpRequest,
    household_time,
    member_required,
    throttled_page,
)
from budget.forms import apply_errors, form_save
from funnels.forms import money_from
from funnels.selectors import funnels_visible_to
from households import selectors, services
from households.forms import (
    CodeForm,
    DisplayNameForm,
    FirstRunForm,
    HouseholdSettingsForm,
    RegisterForm,
)

TIME_ZONES = sorted(zoneinfo.available_timezones())
PENDING_REGISTRATION_KEY = "pending_registration"


# --- Registration (docs/rules.md §3.1) ----------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Pick a username (and a display name, an invite code) to start a registration."""
    form = RegisterForm(
        request.POST or None, initial={"invite": request.GET.get("invite", "")[:64]}
    )
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = account_services.registration_start(
                username=form.cleaned_data["username"],
                display_name=form.cleaned_data["display_name"],
                invite_code=form.cleaned_data["invite"],
                address=client_address(request),
            )
        except TooManyRegistrations as throttled:
            return throttled_page(request, throttled)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            request.session[PENDING_REGISTRATION_KEY] = enrolment.user.username
            return redirect("households:register-confirm")
    status = 400 if form.errors else 200
    return render(request, "accounts/register.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def register_confirm(request: HttpRequest) -> HttpResponse:
    """Scan the QR code (or type the secret), then confirm with the first code."""
    username = request.session.get(PENDING_REGISTRATION_KEY, "")
    enrolment = account_services.registration_pending(username=username)
    if enrolment is None:
        messages.warning(request, "That registration has expired (after 10 minutes). Start again.")
        return redirect("households:register")

    def recovery_codes_once(signed_in: SignIn) -> HttpResponse:
        request.session.pop(PENDING_REGISTRATION_KEY, None)
        # Shown in this answer only: the codes are never stored in plain text anywhere.
        context = {"codes": signed_in.recovery_codes, "continue_url": reverse("households:welcome")}
        return render(request, "accounts/recovery_codes.html", context)

    return enrol_page(
        request,
        enrolment=enrolment,
        title="Set up your authenticator",
        confirm=functools.partial(services.registration_confirm, username=username),
        on_signed_in=recovery_codes_once,
    )


@require_GET
def invite(request: HttpRequest, code: str) -> HttpResponse:
    """An invite link: who invites to which household, then registration with the code filled in."""
    invite = selectors.invite_usable(code=code)
    if invite is None:
        return render(request, "accounts/link_invalid.html", status=404)
    register_url = f"{reverse('households:register')}?{urlencode({'invite': code})}"
    return render(
        request, "households/invite.html", {"invite": invite, "register_url": register_url}
    )


# --- The household page (docs/rules.md §3.5) ---------------------------------------------------


def _posted(request: HttpRequest) -> QueryDict | None:
    """The data of a POST, also an empty one (a bound form then says what is missing)."""
    return request.POST if request.method == "POST" else None


def _household_page(
    request: AuthenticatedHttpRequest, settings_form: HouseholdSettingsForm
) -> HttpResponse:
    user = request.user
    invites = selectors.invites_open_for(user=user) if user.is_owner else []
    context = {
        "household": user.household,
        "members": selectors.household_members(household=user.household),
        "invites": [
            (invite, request.build_absolute_uri(reverse("households:invite", args=[invite.code])))
            for invite in invites
        ],
        "settings_form": settings_form,
        "time_zones": TIME_ZONES,
    }
    status = 422 if settings_form.is_bound else 200  # posted and not saved
    return render(request, "households/household.html", context, status=status)


@require_http_methods(["GET", "POST"])
@member_required
@household_time
def household(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Members, invites and settings of the household; the owner changes the settings here."""
    current = request.user.household.settings_values()
    initial = {**current, "period_start_day": str(current["period_start_day"])}
    form = HouseholdSettingsForm(_posted(request), initial=initial)
    if form_save(form, lambda: services.household_update(user=request.user, **form.cleaned_data)):
        messages.success(request, "Household settings saved.")
        return redirect("households:household")
    return _household_page(request, form)


@require_POST
@member_required
def invite_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The owner creates a single-use invite link, valid for 7 days."""
    services.invite_create(user=request.user)
    messages.success(request, "Invite created: send its link to the person joining.")
    return redirect(f"{reverse('households:household')}#invites")


@require_POST
@member_required
def invite_revoke(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The owner revokes an invite that was not used yet."""
    invite = get_object_or_404(selectors.invites_of(user=request.user), code=code)
    services.invite_revoke(user=request.user, invite=invite)
    messages.success(request, "Invite revoked.")
    return redirect(f"{reverse('households:household')}#invites")


def _member(request: AuthenticatedHttpRequest, username: str) -> User:
    members = selectors.household_members(household=request.user.household_id)
    return get_object_or_404(members, username=username)


@require_http_methods(["GET", "POST"])
@member_required
def member_remove(request: AuthenticatedHttpRequest, username: str) -> HttpResponse:
    """The owner removes a member after confirming: their account ends like a deletion."""
    member = _member(request, username)
    if request.method == "POST":
        try:
            services.member_remove(user=request.user, member=member)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{member.name} is no longer in the household.")
        return redirect("households:household")
    return render(request, "households/member_remove.html", {"member": member})


@require_POST
@never_cache
@member_required
def member_reenrol(request: AuthenticatedHttpRequest, username: str) -> HttpResponse:
    """The owner issues a one-time link for a member who lost their authenticator."""
    member = _member(request, username)
    token = account_services.reenrolment_link_issue(issued_by=request.user, user=member)
    link = request.build_absolute_uri(reverse("accounts:reenrol", args=[token]))
    return render(request, "households/reenrol_link.html", {"member": member, "link": link})


# --- The account page (docs/rules.md §3.6) -----------------------------------------------------


def _account_page(request: AuthenticatedHttpRequest, **forms: Form) -> HttpResponse:
    """The account page; a bound form in `forms` was posted and not saved: 422, its errors."""
    user = request.user
    context = {
        "name_form": DisplayNameForm(initial={"display_name": user.display_name}),
        "codes_form": CodeForm(prefix="codes"),
        "reenrol_form": CodeForm(prefix="reenrol"),
        **forms,
        "device": device_session_current(user=user),
        "codes_left": account_selectors.recovery_codes_left(user=user),
    }
    status = 422 if any(form.is_bound for form in forms.values()) else 200
    return render(request, "households/account.html", context, status=status)


@require_http_methods(["GET", "POST"])
@member_required
@household_time
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Display name, recovery codes, authenticator, the active device, account deletion."""
    form = DisplayNameForm(_posted(request), initial={"display_name": request.user.display_name})
    if form_save(
        form,
        lambda: services.user_update(
            user=request.user, display_name=form.cleaned_data["display_name"]
        ),
    ):
        messages.success(request, "Name saved.")
        return redirect("households:account")
    return _account_page(request, name_form=form)


@require_POST
@never_cache
@member_required
def recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
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
            account_url = reverse("households:account")
            context = {"codes": codes, "replaced": True, "continue_url": account_url}
            return render(request, "accounts/recovery_codes.html", context)
    return _account_page(request, codes_form=form)


def _code_accepted(
    request: AuthenticatedHttpRequest, form: CodeForm, service: Callable[..., object]
) -> bool:
    """Run `service` for the member with the form's current code (form_save: False when the
    form or the service refused it, the reason then on the form)."""
    return form_save(form, lambda: service(user=request.user, code=form.cleaned_data["code"]))


@require_http_methods(["GET", "POST"])
@never_cache
@member_required
def authenticator(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Move sign-in to a new authenticator: a current code first, then the new app's code."""
    if request.method == "POST" and request.POST.get("step") == "start":
        form = CodeForm(request.POST, prefix="reenrol")
        if _code_accepted(request, form, account_services.authenticator_reenrol_start):
            return redirect("households:authenticator")
        return _account_page(request, reenrol_form=form)
    enrolment = account_services.authenticator_reenrol_pending(user=request.user)
    if enrolment is None:
        return redirect("households:account")
    form = CodeForm(request.POST or None)
    if _code_accepted(request, form, account_services.authenticator_reenrol_confirm):
        messages.success(request, "Your new authenticator app is the one to use now.")
        return redirect("households:account")
    status = 422 if request.method == "POST" else 200
    context = {"enrolment": enrolment, "form": form}
    return render(request, "households/authenticator.html", context, status=status)


@require_http_methods(["GET", "POST"])
@member_required
def account_delete(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Delete one's own account after typing a current code."""
    form = CodeForm(request.POST or None)
    if _code_accepted(request, form, services.account_delete):
        auth.logout(request)
        return redirect("accounts:login")
    status = 422 if request.method == "POST" else 200
    return render(request, "households/account_delete.html", {"form": form}, status=status)


# --- First run (docs/rules.md §4) ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_required
def welcome(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One skippable set-up screen after registration: currency, time zone, period, limits."""
    if not request.user.is_owner:
        # Who joined through an invite finds the household already set up.
        return redirect("funnels:dashboard")
    household = request.user.household
    funnels = list(funnels_visible_to(user=request.user)[:2])
    form = FirstRunForm(
        request.POST or None,
        initial={
            "currency": household.currency,
            "timezone": household.timezone,
            "period_start_day": str(household.period_start_day),
        },
    )
    limits: dict[str, Decimal] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        for funnel in funnels:
            try:
                limits[str(funnel.pk)] = money_from(
                    request.POST.get(f"limit-{funnel.pk}", ""), field_label="monthly limit"
                )
            except ValidationError as exc:
                errors[str(funnel.pk)] = " ".join(exc.messages)
        if form.is_valid() and not errors:
            try:
                services.household_first_run(
                    user=request.user,
                    currency=form.cleaned_data["currency"],
                    timezone_name=form.cleaned_data["timezone"],
                    period_start_day=form.cleaned_data["period_start_day"],
                    limits=limits,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect("funnels:dashboard")
    rows = [
        (
            funnel,
            request.POST.get(f"limit-{funnel.pk}", funnel.monthly_limit),
            errors.get(str(funnel.pk)),
        )
        for funnel in funnels
    ]
    status = 422 if request.method == "POST" else 200
    return render(request, "households/welcome.html", {"form": form, "rows": rows}, status=status)
