"""What the KPI exports accept: the same group and weeks as the page's selector."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from fleetops.core.bounds import INT32_MAX, parse_int

ALL_WEEKS = "all"


class KpiExportForm(forms.Form):
    """`?group=#g-mdm&weeks=26`: a group label (empty: the company) and the newest N recorded
    weeks ("all" or empty: every one). Which group labels exist is the selector's to say."""

    group = forms.CharField(required=False, max_length=100)
    weeks = forms.CharField(required=False, max_length=20)

    def clean_group(self) -> str:
        group = self.cleaned_data["group"]
        if not group.isprintable():
            raise ValidationError("A group label has no control characters.")
        return group

    def clean_weeks(self) -> int | None:
        raw = self.cleaned_data["weeks"].strip()
        if raw in ("", ALL_WEEKS):
            return None
        weeks = parse_int(raw, low=1)
        if weeks is None:
            shown = raw if raw.isprintable() and len(raw) <= 20 else "that"
            raise ValidationError(
                f"Weeks must be “all” or a whole number of weeks from 1 to {INT32_MAX}, "
                f"not “{shown}”."
            )
        return weeks

    def error_text(self) -> str:
        """Every error in one line, each naming its parameter."""
        return " ".join(
            f"{name}: {message}" for name, messages in self.errors.items() for message in messages
        )
