"""The board's forms. Each card's forms get ids of their own (`note-<group>`, ...): one page
shows them once per group, and ids must be unique."""

from __future__ import annotations

from django import forms

from fleetops.core.bounds import BoundedIntegerField
from fleetops.org.models import ProductGroup
from releases.board.models import Release, Signoff

NOTE_MAX = 2000


class SignoffForm(forms.Form):
    """A card's form: a move (the pressed button's `state`) with an optional note, or, with
    `intent="note"`, a note alone (the card keeps its column)."""

    state = forms.ChoiceField(choices=Signoff.State.choices, required=False)
    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX,
        label="Note",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, group: str = "", intent: str = "move", **kwargs) -> None:
        kwargs.setdefault("auto_id", f"%s-{group}" if group else "id_%s")
        super().__init__(*args, **kwargs)
        self.intent = intent

    def clean(self) -> dict:
        data = super().clean()
        note = (data.get("note") or "").strip()
        if self.intent == "note":
            if not note and "note" not in self.errors:
                self.add_error("note", "Write the note first.")
        elif not data.get("state") and "state" not in self.errors:
            self.add_error("state", "Choose where the card goes.")
        elif data.get("state") == Signoff.State.BLOCKED and not note:
            self.add_error("note", "Say why the group is blocked.")
        return data


class BlockedReasonForm(forms.Form):
    """The blocked reason, edited on the card while it stays blocked."""

    note = forms.CharField(
        max_length=NOTE_MAX,
        label="Why it is blocked",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the group is blocked."},
    )

    def __init__(self, *args, group: str = "", **kwargs) -> None:
        kwargs.setdefault("auto_id", f"reason-%s-{group}" if group else "id_%s")
        super().__init__(*args, **kwargs)


class PullRequestNumberField(BoundedIntegerField):
    """A PR number, also as people paste it: `#1234` or the PR's GitHub address."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    default_error_messages = {
        "invalid": "Enter the pull request's number, e.g. 1234 or #1234.",
    }

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
            if "/pull/" in value:
                value = value.split("/pull/", 1)[1].split("/", 1)[0].split("#", 1)[0]
            value = value.removeprefix("#")
        return super().to_python(value)


class MergeExceptionForm(forms.Form):
    group = forms.ChoiceField(
        label="Product group",
        error_messages={
            "required": "Choose the product group the feature belongs to.",
            "invalid_choice": "Choose the product group the feature belongs to.",
        },
    )
    pr_number = PullRequestNumberField(min_value=1, label="Pull request number")
    reason = forms.CharField(
        max_length=NOTE_MAX,
        label="Why it must go into this release",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Say why this feature work must go into the release candidate."
        },
    )

    def __init__(self, *args, groups: list[ProductGroup] | None = None, **kwargs) -> None:
        kwargs.setdefault("auto_id", "ex-%s")
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "Choose…")] + [
            (g.slug, g.name) for g in (groups if groups is not None else [])
        ]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    reason = forms.CharField(required=False, max_length=NOTE_MAX, label="Reason")

    def __init__(self, *args, exception_id: int | None = None, **kwargs) -> None:
        kwargs.setdefault("auto_id", f"%s-ex{exception_id}" if exception_id else "id_%s")
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs["placeholder"] = "Reason (required to reject)"


class ReleaseStateForm(forms.Form):
    state = forms.ChoiceField(choices=[], label="Release state")
    override_reason = forms.CharField(
        required=False,
        max_length=NOTE_MAX,
        label="Override reason (publishing while no-go)",
        widget=forms.TextInput(attrs={"placeholder": "Reason to publish while no-go (DRI)"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Concluding writes to GitHub: it has its own page, never a state set by hand.
        self.fields["state"].choices = [
            (value, label) for value, label in Release.State.choices if value != "concluded"
        ]
