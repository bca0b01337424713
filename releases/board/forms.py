from __future__ import annotations

from django import forms

from fleetops.core.bounds import BoundedIntegerField
from releases.board.models import Release, Signoff


class SignoffForm(forms.Form):
    state = forms.ChoiceField(choices=Signoff.State.choices)
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("state") == Signoff.State.BLOCKED and not (data.get("note") or "").strip():
            self.add_error("note", "Say why the group is blocked.")
        return data


class MergeExceptionForm(forms.Form):
    group = forms.SlugField()
    pr_number = BoundedIntegerField(min_value=1, label="Pull request number")
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    reason = forms.CharField(required=False, max_length=2000)


class ReleaseStateForm(forms.Form):
    state = forms.ChoiceField(choices=[])
    override_reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": "Why publish while no-go (DRI only)"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Concluding writes to GitHub: it has its own page, never a state set by hand.
        self.fields["state"].choices = [
            (value, label) for value, label in Release.State.choices if value != "concluded"
        ]
