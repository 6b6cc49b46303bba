"""Forms of the transfers pages: the export choice (docs/rules.md §9.1)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from transfers import export

EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)


class ExportForm(forms.Form):
    """Range preset or custom dates, and which kind of entries."""

    range = forms.ChoiceField(choices=export.RANGES, initial=export.THIS_PERIOD)
    since = forms.DateField(required=False, label="From")
    until = forms.DateField(required=False, label="To")
    type = forms.ChoiceField(choices=export.KINDS, initial=export.ALL, label="Show")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        for name, day in (("since", since), ("until", until)):
            if day and not EARLIEST <= day <= LATEST:
                self.add_error(name, "Use a date between 2000-01-01 and 2999-12-31.")
        if data.get("range") == export.CUSTOM:
            if not since and "since" not in self.errors:
                self.add_error("since", "Choose the first day of the range.")
            if not until and "until" not in self.errors:
                self.add_error("until", "Choose the last day of the range.")
            if since and until and since > until:
                self.add_error("until", "The last day cannot be before the first day.")
        return data

    def span(self, household: Any) -> export.DateRange:
        """The inclusive days chosen (the form must be valid)."""
        data = self.cleaned_data
        return export.export_range(
            household=household, choice=data["range"], since=data["since"], until=data["until"]
        )

    @property
    def kind(self) -> str:
        return self.cleaned_data["type"]
