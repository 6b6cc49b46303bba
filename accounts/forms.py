"""Forms of the sign-in pages. Rules live in accounts.services; these only shape the input."""

from __future__ import annotations

from django import forms

CODE_HELP = "The 6-digit code from your authenticator app, or one of your recovery codes."


class LoginForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    code = forms.CharField(
        max_length=32,
        help_text=CODE_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none"}),
    )


class EnrolCodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]{6}",
            }
        ),
    )
