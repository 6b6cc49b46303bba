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
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        # Authenticator apps show the code as "123 456"; sign-in accepts it so, and so does this.
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Type the 6 digits your authenticator app shows.")
        return code
