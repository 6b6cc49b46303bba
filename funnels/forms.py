"""HTML forms: they parse what a browser posts; the services hold the rules and full_clean."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from funnels.fields import to_money
from funnels.models import Funnel, Repeat, Rollover
from funnels.selectors import FORMER_MEMBERS

if TYPE_CHECKING:
    from accounts.models import User

DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]

# Split on spaces: some of these are several code points (emoji with a variation selector).
COMMON_EMOJI = tuple(
    "🍞 🛒 🍎 🥦 ☕ 🍕 🍽️ 🍺 🏠 💡 🔥 💧 📱 🌐 🚗 ⛽ 🚌 🚲 ✈️ 🏖️ 🎁 🎉 🎬 🎮 📚 🎓 "  # noqa: SIM905
    "👕 👟 💊 🏥 🦷 💇 🐶 🐱 👶 🧸 ⚽ 🏋️ 🎵 🧹 🛠️ 🌱 💰 💳 🛍️ 🎨 📦 ❤️".split()
)
PALETTE = (
    "#ffa500",
    "#48d1cc",
    "#e57373",
    "#f06292",
    "#ba68c8",
    "#7986cb",
    "#4fc3f7",
    "#4db6ac",
    "#81c784",
    "#dce775",
    "#ffd54f",
    "#a1887f",
    "#90a4ae",
)


def money_from(value: str, *, field_label: str = "amount") -> Decimal:
    """Parse a typed amount ("1,234.50", "12,5") into exact money, with a form's message."""
    if not (value or "").strip():
        article = "an" if field_label[:1] in "aeiou" else "a"
        raise ValidationError(f"Enter {article} {field_label}.", code="required")
    return to_money(value, typed=True)


class SpendingForm(forms.Form):
    """Amount and funnel (the two clicks), with an optional note and time."""

    amount = forms.CharField(max_length=32, required=False)
    funnel = forms.ModelChoiceField(
        queryset=Funnel.objects.none(),
        error_messages={
            "required": "Tap a funnel to spend from.",
            "invalid_choice": "That funnel is not one you can spend from.",
        },
    )
    note = forms.CharField(max_length=200, required=False, strip=True)
    spent_at = forms.DateTimeField(required=False, input_formats=DATETIME_INPUT_FORMATS)
    # docs/rules.md §11.2: the spending's id, set by the page script on every tap, so a retry or
    # a replay from the offline queue saves it once; and the moment of the tap (ISO 8601 with
    # offset), set by the service worker when it queues one, its time when no other is given.
    client_id = forms.UUIDField(
        required=False, error_messages={"invalid": "The spending's id is not valid."}
    )
    made_at = forms.DateTimeField(
        required=False, error_messages={"invalid": "The time of the spending is not valid."}
    )
    # Who typed it (the dashboard's hidden field): a queued spending is never saved as another
    # member who signed in on the same device meanwhile.
    member = forms.CharField(required=False, max_length=150)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["funnel"].queryset = Funnel.objects.visible_to(user)

    def clean_member(self) -> str:
        member = self.cleaned_data.get("member", "")
        if member and member != self.user.username:
            raise ValidationError(
                f"Typed while {member} was signed in: sign in as {member} to save it.",
                code="other_member",
            )
        return member

    def clean_amount(self) -> Decimal:
        # Only parsing here: that it is more than zero is the model's rule (Spending.clean).
        return money_from(self.cleaned_data.get("amount", ""))


class SpendingEditForm(SpendingForm):
    """Editing a spending in the history: the time is required there."""

    spent_at = forms.DateTimeField(
        input_formats=DATETIME_INPUT_FORMATS,
        error_messages={"required": "Enter the date and time.", "invalid": "Enter a valid date."},
    )
    client_id = None
    made_at = None
    member = None


class HistoryFilterForm(forms.Form):
    """Filters of the history page; anything malformed becomes a message, never a 500."""

    funnel = forms.ModelChoiceField(
        queryset=Funnel.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Pick one of your funnels."},
    )
    member = forms.ChoiceField(required=False)
    since = forms.DateField(
        required=False, input_formats=["%Y-%m-%d"], error_messages={"invalid": "Use a date."}
    )
    until = forms.DateField(
        required=False, input_formats=["%Y-%m-%d"], error_messages={"invalid": "Use a date."}
    )

    def __init__(self, *args: Any, user: User, funnels: QuerySet[Funnel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["funnel"].queryset = funnels
        members = user.household.members.order_by("date_joined")
        self.fields["member"].choices = [
            ("", "Everyone"),
            *((m.username, m.name) for m in members),
            (FORMER_MEMBERS, "Former members"),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        since: date | None = data.get("since")
        until: date | None = data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date is before the start date.")
        for key in ("since", "until"):
            day = data.get(key)
            if day is not None and not 1900 <= day.year <= 9998:
                self.add_error(key, "Pick a date between 1900 and 9998.")
        return data


class FunnelForm(forms.Form):
    """Name, emoji (picked or typed), colour (palette or picker), limit, personal or shared."""

    name = forms.CharField(max_length=40, error_messages={"required": "Give the funnel a name."})
    emoji = forms.CharField(required=False, max_length=32)
    emoji_typed = forms.CharField(required=False, max_length=32)
    color = forms.CharField(required=False, max_length=7)
    color_custom = forms.CharField(required=False, max_length=7)
    monthly_limit = forms.CharField(max_length=32, required=False)
    shared = forms.TypedChoiceField(
        choices=[("personal", "Personal: only me"), ("shared", "Shared by the household")],
        coerce=lambda v: v == "shared",
        initial="personal",
        error_messages={"required": "Choose personal or shared."},
    )
    rollover = forms.ChoiceField(
        choices=Rollover.choices,
        required=False,
        error_messages={"invalid_choice": "Choose what carries over from one of the options."},
    )
    rollover_cap = forms.CharField(max_length=32, required=False)

    def clean_rollover(self) -> str:
        return self.cleaned_data.get("rollover") or Rollover.NONE

    def clean_rollover_cap(self) -> Decimal | None:
        # Empty means no cap; whether a cap is needed is the model's rule (Funnel.clean).
        typed = self.cleaned_data.get("rollover_cap", "")
        return money_from(typed, field_label="amount") if typed.strip() else None

    def clean_monthly_limit(self) -> Decimal:
        # Only parsing here: that it is not negative is the model's rule (Funnel.clean).
        return money_from(self.cleaned_data.get("monthly_limit", ""), field_label="monthly limit")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        typed = (data.get("emoji_typed") or "").strip()
        data["emoji"] = typed or (data.get("emoji") or "").strip()
        if not data["emoji"]:
            self.add_error("emoji", "Pick an emoji or type one.")
        color = (data.get("color") or "").strip()
        if color in ("", "custom"):
            color = (data.get("color_custom") or "").strip()
        data["color"] = color.lower()
        if not data["color"]:
            self.add_error("color", "Pick a colour.")
        return data

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values as funnel_create/funnel_update keywords."""
        keys = ("name", "emoji", "color", "monthly_limit", "shared", "rollover", "rollover_cap")
        return {key: self.cleaned_data[key] for key in keys}


class FunnelDeleteForm(forms.Form):
    """Delete a funnel: its spendings go with it, or move to another funnel."""

    move_to = forms.ModelChoiceField(
        queryset=Funnel.objects.none(),
        required=False,
        empty_label="Delete them too",
        error_messages={"invalid_choice": "Pick one of your other funnels."},
    )

    def __init__(self, *args: Any, others: QuerySet[Funnel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["move_to"].queryset = others


class PlannedForm(forms.Form):
    """A planned spending (docs/rules.md §12.2): funnel, amount, day, note, repeat."""

    funnel = forms.ModelChoiceField(
        queryset=Funnel.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Pick the funnel it is paid from.",
            "invalid_choice": "That funnel is not one you can spend from.",
        },
    )
    amount = forms.CharField(
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    date = forms.DateField(
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Enter the day it is due.", "invalid": "Enter a valid date."},
    )
    note = forms.CharField(
        max_length=200, required=False, strip=True, help_text='What it is, e.g. "Rent".'
    )
    repeat = forms.ChoiceField(
        choices=Repeat.choices,
        initial=Repeat.NONE,
        error_messages={"invalid_choice": "Choose how often it comes back from the list."},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["funnel"].queryset = Funnel.objects.visible_to(user).in_display_order()

    def clean_amount(self) -> Decimal:
        # Only parsing here: that it is more than zero is the model's rule.
        return money_from(self.cleaned_data.get("amount", ""))

    def clean_date(self) -> date:
        day = self.cleaned_data["date"]
        if not 2000 <= day.year <= 2999:
            raise ValidationError("Pick a date between 2000 and 2999.")
        return day

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values as planned_create/planned_update keywords."""
        return {
            key: self.cleaned_data[key] for key in ("funnel", "amount", "date", "note", "repeat")
        }
