"""The rituals page's filters: a DRI and a file among those the files name."""

from __future__ import annotations

from django import forms


class RitualFilterForm(forms.Form):
    dri = forms.ChoiceField(required=False, label="DRI")
    file = forms.ChoiceField(required=False, label="File")

    def __init__(self, *args, dris: list[tuple[str, str]], files: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dri"].choices = [("", "Everyone"), *dris]
        self.fields["file"].choices = [("", "All files"), *((f, f) for f in files)]
