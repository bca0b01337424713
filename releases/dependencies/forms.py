"""Forms of the dependencies page: run the checks, acknowledge a blocker, confirm the feeds."""

from __future__ import annotations

from django import forms

from releases.converters import VersionConverter


class RunChecksForm(forms.Form):
    """Which release to run the checks for; empty for the ad hoc runs at `main`."""

    release = forms.RegexField(regex=rf"^{VersionConverter.regex}$", required=False)


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        max_length=2000,
        label="Why the release can go ahead",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the release can go ahead with it."},
    )

    def clean_note(self) -> str:
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError("Say why the release can go ahead with it.")
        return note


class FeedsConfirmForm(forms.Form):
    may_affect_feeds = forms.BooleanField(
        required=False, label="An announcement may affect our NVD or CISA data feed"
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        label="Note",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("may_affect_feeds") and not (data.get("note") or "").strip():
            self.add_error("note", "Say which announcement may affect the feeds.")
        return data
