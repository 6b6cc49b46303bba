"""Forms of the registration, household and account pages; households.services holds the rules."""

from __future__ import annotations

from django import forms

from accounts.models import AllowanceMode, Household

# --- Registration ------------------------------------------------------------------------------


class RegisterForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        help_text="Letters, digits and . @ + - _ — you sign in with it.",
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    display_name = forms.CharField(
        max_length=80,
        required=False,
        label="Display name (optional)",
        help_text="What the household sees; your username if empty.",
    )
    invite = forms.CharField(
        max_length=64,
        required=False,
        label="Invite code (optional)",
        help_text="From an invite link, to join an existing household.",
    )


# --- Household and account pages --------------------------------------------------------------


class HouseholdCalendarForm(forms.Form):
    """Currency, time zone and period start day: set at first run, changed in the settings."""

    currency = forms.CharField(max_length=3, min_length=3, help_text="ISO 4217 code, like EUR.")
    timezone = forms.CharField(max_length=64, help_text="IANA name, like Europe/Berlin.")
    period_start_day = forms.TypedChoiceField(
        choices=[(str(day), str(day)) for day in range(1, 29)],
        coerce=int,
        error_messages={"invalid_choice": "Pick a day from 1 to 28."},
        help_text="The day each budget period begins, like a payday.",
    )


class HouseholdSettingsForm(HouseholdCalendarForm):
    """The household settings the owner can change."""

    name = forms.CharField(max_length=80, error_messages={"required": "Name the household."})
    allowance_mode = forms.ChoiceField(choices=AllowanceMode.choices)
    field_order = Household.SETTINGS


class DisplayNameForm(forms.Form):
    """What the household sees as the member's name."""

    display_name = forms.CharField(max_length=80, required=False)


class CodeForm(forms.Form):
    """A current code from the authenticator app (or a recovery code)."""

    code = forms.CharField(
        max_length=32,
        error_messages={"required": "Type the current code from your authenticator app."},
    )


class FirstRunForm(HouseholdCalendarForm):
    """The one set-up screen after registration: settings and the two default funnels' limits."""

    timezone = forms.CharField(max_length=64, help_text="Suggested from this browser.")
