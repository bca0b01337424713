"""The rituals page's filters: a DRI and a file among those the files name."""

from __future__ import annotations

from typing import Any

from django import forms


class LoginChoiceField(forms.ChoiceField):
    """A GitHub login among the choices, in any case (GitHub logins are case-insensitive)."""

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        by_lower = {str(key).lower(): str(key) for key, _ in self.choices}
        return by_lower.get(value.lower(), value)


class RitualFilterForm(forms.Form):
    dri = LoginChoiceField(required=False, label="DRI")
    file = forms.ChoiceField(required=False, label="File")

    def __init__(self, *args, dris: list[tuple[str, str]], files: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dri"].choices = [("", "Everyone"), *dris]
        self.fields["file"].choices = [("", "All files"), *((f, f) for f in files)]
