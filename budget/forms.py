"""Form helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


def form_save(form: forms.Form, save: Callable[[], object]) -> bool:
    """Validate `form`, then write through `save()` (a service call); True when both passed.

    A service's ValidationError lands on the form (apply_errors), so the page shows it.
    """
    if not form.is_valid():
        return False
    try:
        save()
    except ValidationError as exc:
        apply_errors(form, exc)
        return False
    return True
