"""HTML forms of income: they parse what a browser posts; funnels.income holds the rules."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from funnels.forms import DATETIME_INPUT_FORMATS, HistoryFilterForm, money_from
from funnels.reports import INCOME, SPENDING


class IncomeForm(forms.Form):
    """Income from the dashboard's entry form: the amount, a source, optional note and time.

    The time field shares the dashboard's `spent_at` input (one date field for both actions).
    """

    amount = forms.CharField(max_length=32, required=False)
    source = forms.CharField(
        max_length=60,
        strip=True,
        error_messages={
            "required": "Say where the money came from, e.g. Salary.",
            "max_length": "Keep the source to 60 characters.",
        },
    )
    note = forms.CharField(max_length=200, required=False, strip=True)
    spent_at = forms.DateTimeField(
        required=False,
        input_formats=DATETIME_INPUT_FORMATS,
        error_messages={"invalid": "Enter a valid date and time."},
    )
    private = forms.BooleanField(required=False)

    def clean_amount(self) -> Decimal:
        return money_from(self.cleaned_data.get("amount", ""))

    def service_fields(self) -> dict[str, object]:
        """The cleaned values as income_create/income_update keywords."""
        data = self.cleaned_data
        return {
            "amount": data["amount"],
            "source": data["source"],
            "note": data["note"],
            "received_at": data["spent_at"],
            "shared": not data["private"],
        }


class IncomeEditForm(IncomeForm):
    """Editing income in the history: the time is required there."""

    spent_at = forms.DateTimeField(
        input_formats=DATETIME_INPUT_FORMATS,
        error_messages={"required": "Enter the date and time.", "invalid": "Enter a valid date."},
    )


class EntryFilterForm(HistoryFilterForm):
    """The history's filters plus the type: everything, spendings only or income only."""

    type = forms.ChoiceField(
        required=False,
        choices=[("", "Spending and income"), (SPENDING, "Spending"), (INCOME, "Income")],
        error_messages={"invalid_choice": "Pick spending, income or both."},
    )

    def service_filters(self) -> dict[str, object]:
        """The cleaned filters as keywords of funnels.reports.history_rows/history_totals."""
        data = self.cleaned_data
        return {
            "kind": data.get("type") or "",
            "funnel": data.get("funnel"),
            "member": data.get("member") or "",
            "since": data.get("since"),
            "until": data.get("until"),
        }
