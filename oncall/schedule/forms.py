"""Input of the on-call pages. Forms check shape; services check the rules and the rights."""

from __future__ import annotations

import datetime as dt

from django import forms

from fleetops.core.bounds import BoundedDateField, BoundedDateTimeField
from fleetops.org.models import Person

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
MAX_FAIRNESS_DAYS = 366
MAX_OVERRIDE_DAYS = 366  # an override covers a stretch, not the rest of the rotation's life
MAX_TIME_OFF_DAYS = 183  # a long leave fits; a typo of a year does not


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _person_choices(people: list[Person]) -> list[tuple[str, str]]:
    return [(str(p.pk), p.name) for p in people]


class OverrideForm(forms.Form):
    """Someone covers a range; times are in the viewer's time zone."""

    rotation = forms.TypedChoiceField(coerce=int, widget=forms.HiddenInput)
    person = forms.TypedChoiceField(coerce=int, label="Who covers")
    starts_at = BoundedDateTimeField(label="From", widget=DateTimeLocalInput)
    ends_at = BoundedDateTimeField(label="Until", widget=DateTimeLocalInput)
    note = forms.CharField(label="Note", max_length=200, required=False)

    def __init__(
        self, *args, rotations: list[tuple[int, str]], members: list[Person], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rotation"].choices = [(str(i), name) for i, name in rotations]
        if len(rotations) > 1:
            self.fields["rotation"].widget = forms.Select(choices=self.fields["rotation"].choices)
        self.fields["person"].choices = _person_choices(members)

    def clean(self) -> dict:
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", "The override ends before it starts: pick a later time.")
        elif starts_at and ends_at and (ends_at - starts_at).days > MAX_OVERRIDE_DAYS:
            self.add_error("ends_at", "An override covers at most a year: pick an earlier end.")
        return data


class SwapForm(forms.Form):
    """Two whole shifts change hands."""

    rotation = forms.TypedChoiceField(coerce=int, widget=forms.HiddenInput)
    first_shift = forms.ChoiceField(label="This shift")
    second_shift = forms.ChoiceField(label="trades with")
    note = forms.CharField(label="Note", max_length=200, required=False)

    def __init__(
        self,
        *args,
        rotations: list[tuple[int, str]],
        shifts: list[tuple[str, str]],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rotation"].choices = [(str(i), name) for i, name in rotations]
        self.fields["first_shift"].choices = shifts
        self.fields["second_shift"].choices = shifts

    def clean(self) -> dict:
        data = super().clean()
        if data.get("first_shift") and data.get("first_shift") == data.get("second_shift"):
            self.add_error("second_shift", "Pick two different shifts.")
        for key in ("first_shift", "second_shift"):
            if data.get(key):
                data[key] = dt.datetime.fromisoformat(data[key])
        return data


class TimeOffForm(forms.Form):
    person = forms.TypedChoiceField(coerce=int, label="Who")
    starts_on = BoundedDateField(label="First day", widget=DateInput)
    ends_on = BoundedDateField(label="Last day", widget=DateInput)
    note = forms.CharField(label="Note", max_length=200, required=False)

    def __init__(self, *args, people: list[Person], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = _person_choices(people)

    def clean(self) -> dict:
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "The last day is before the first day.")
        elif starts_on and ends_on and (ends_on - starts_on).days >= MAX_TIME_OFF_DAYS:
            self.add_error(
                "ends_on", f"Time off is entered {MAX_TIME_OFF_DAYS} days at most at a time."
            )
        return data


class CalendarForm(forms.Form):
    """Where a person's time off is imported from (an .ics URL; empty to stop importing)."""

    person = forms.TypedChoiceField(coerce=int, label="Whose calendar")
    ics_url = forms.URLField(
        label="Calendar URL (.ics)",
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://calendar.example.com/me.ics"}),
    )

    def __init__(self, *args, people: list[Person], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = _person_choices(people)


class FairnessForm(forms.Form):
    """The period on-call hours are added up over (at most a year)."""

    start = BoundedDateField(label="From", widget=DateInput, required=False)
    end = BoundedDateField(label="To", widget=DateInput, required=False)

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The period ends before it starts.")
            elif (end - start).days > MAX_FAIRNESS_DAYS:
                self.add_error("end", "Pick a period of at most a year.")
        return data
