from __future__ import annotations

from django import forms

from releases.dogfood.services import REASON_MAX


class DogfoodDeployForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=REASON_MAX,
        strip=True,
        label="Reason (required 7:00-17:00 Pacific, Monday-Friday)",
        widget=forms.TextInput(attrs={"placeholder": "coordinated with #g-sales"}),
    )
