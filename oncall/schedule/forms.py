"""Input of the on-call pages. Forms check shape; services check the rules and the rights.

A form offers the signed-in person only what they may do (its choices), but accepts any
value of the right shape (`OfferedChoiceField.accepts`): a forged value goes on to the
service, which refuses it with its reason instead of "not one of the available choices".
Each form has its own `auto_id` prefix, so two forms on a page never share an element id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django import forms

from fleetops.core.bounds import (
    BoundedDateField,
    BoundedDateTimeField,
    moment_in_range,
    parse_int,
)
from fleetops.org.models import Person, process_today
from oncall.capacity.rules import TIME_OFF_RULE, time_off_range_errors

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
MAX_FAIRNESS_DAYS = 366
MAX_OVERRIDE_DAYS = 366  # an override covers a stretch, not the rest of the rotation's life


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _person_choices(people: Iterable[Person]) -> list[tuple[str, str]]:
    return [(str(p.pk), p.name) for p in people]


def any_person_id(value: str) -> bool:
    """The shape of a person's id; whether it is someone the user may name is the service's."""
    return parse_int(value, low=1) is not None


def any_moment(value: str) -> bool:
    """The shape of a shift's start: an ISO moment with its offset, in the supported years."""
    try:
        at = dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return at.tzinfo is not None and moment_in_range(at)


class OfferedChoiceField(forms.TypedChoiceField):
    """A select of what is offered; `accepts` (when set) says which values pass to the
    service, whose refusal names the reason."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.accepts: Callable[[str], bool] | None = None

    def valid_value(self, value: object) -> bool:
        if self.accepts is not None:
            return self.accepts(str(value))
        return super().valid_value(value)


class OncallForm(forms.Form):
    """A form of the on-call pages: `top_errors` are shown at its top (role="alert")."""

    @property
    def top_errors(self) -> list[str]:
        """The errors next to no visible field: the form's own, then hidden fields'."""
        hidden = [
            f"{field.label}: {error}" for field in self.hidden_fields() for error in field.errors
        ]
        return [*self.non_field_errors(), *hidden]


class OverrideForm(OncallForm):
    """Someone covers a range; times are in the viewer's time zone."""

    rotation = OfferedChoiceField(coerce=int, widget=forms.HiddenInput, label="Rotation")
    person = OfferedChoiceField(coerce=int, label="Who covers")
    starts_at = BoundedDateTimeField(label="From", widget=DateTimeLocalInput)
    ends_at = BoundedDateTimeField(label="Until", widget=DateTimeLocalInput)
    note = forms.CharField(label="Note", max_length=200, required=False)

    def __init__(
        self,
        *args,
        rotations: list[tuple[int, str]],
        members: list[Person],
        accepted_rotations: Iterable[int] | None = None,
        accepted_people: Iterable[int] | None = None,
        **kwargs,
    ) -> None:
        """`rotations` and `members` (who may cover) are offered; `accepted_rotations` and
        `accepted_people` (by default those offered) go on to the service."""
        kwargs.setdefault("auto_id", "override_%s")
        super().__init__(*args, **kwargs)
        self.fields["rotation"].choices = [(str(i), name) for i, name in rotations]
        if len(rotations) > 1:
            self.fields["rotation"].widget = forms.Select(choices=self.fields["rotation"].choices)
        self.fields["person"].choices = _person_choices(members)
        if accepted_rotations is not None:
            self.fields["rotation"].accepts = {str(i) for i in accepted_rotations}.__contains__
        if accepted_people is not None:
            self.fields["person"].accepts = {str(i) for i in accepted_people}.__contains__

    def clean(self) -> dict:
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", "The override ends before it starts: pick a later time.")
        elif starts_at and ends_at and (ends_at - starts_at).days > MAX_OVERRIDE_DAYS:
            self.add_error("ends_at", "An override covers at most a year: pick an earlier end.")
        return data


class SwapForm(OncallForm):
    """Two whole shifts change hands."""

    rotation = OfferedChoiceField(coerce=int, widget=forms.HiddenInput, label="Rotation")
    first_shift = OfferedChoiceField(label="This shift")
    second_shift = OfferedChoiceField(label="trades with")
    note = forms.CharField(label="Note", max_length=200, required=False)

    def __init__(
        self,
        *args,
        rotations: list[tuple[int, str]],
        shifts: list[tuple[str, str]],
        second_shifts: list[tuple[str, str]] | None = None,
        accepted_rotations: Iterable[int] | None = None,
        any_shift: bool = False,
        **kwargs,
    ) -> None:
        """`shifts` (and `second_shifts`, by default the same) are offered; with
        `any_shift`, any moment goes on to the service (which says whether it is a shift of
        the rotation ahead, and whose)."""
        kwargs.setdefault("auto_id", "swap_%s")
        super().__init__(*args, **kwargs)
        self.fields["rotation"].choices = [(str(i), name) for i, name in rotations]
        self.fields["first_shift"].choices = shifts
        self.fields["second_shift"].choices = shifts if second_shifts is None else second_shifts
        if accepted_rotations is not None:
            self.fields["rotation"].accepts = {str(i) for i in accepted_rotations}.__contains__
        if any_shift:
            self.fields["first_shift"].accepts = any_moment
            self.fields["second_shift"].accepts = any_moment

    def clean(self) -> dict:
        data = super().clean()
        if data.get("first_shift") and data.get("first_shift") == data.get("second_shift"):
            self.add_error("second_shift", "Pick two different shifts.")
        for key in ("first_shift", "second_shift"):
            if data.get(key):
                data[key] = dt.datetime.fromisoformat(data[key])
        return data


class TimeOffForm(OncallForm):
    """Days away of someone the user may manage (offered); the rule of the dates is
    `oncall.capacity.rules.time_off_range_errors`, said in the first day's help text."""

    person = OfferedChoiceField(coerce=int, label="Who")
    starts_on = BoundedDateField(label="First day", widget=DateInput, help_text=TIME_OFF_RULE)
    ends_on = BoundedDateField(label="Last day", widget=DateInput)
    note = forms.CharField(label="Note", max_length=200, required=False)

    def __init__(self, *args, people: list[Person], today: dt.date | None = None, **kwargs) -> None:
        kwargs.setdefault("auto_id", "time_off_%s")
        super().__init__(*args, **kwargs)
        self.today = today or process_today()
        self.fields["person"].choices = _person_choices(people)
        self.fields["person"].accepts = any_person_id

    def clean(self) -> dict:
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on:
            for name, error in time_off_range_errors(starts_on, ends_on, today=self.today).items():
                self.add_error(name, error)
        return data


class CalendarForm(OncallForm):
    """Where a person's time off is imported from (an .ics URL; empty to stop importing)."""

    person = OfferedChoiceField(coerce=int, label="Whose calendar")
    ics_url = forms.URLField(
        label="Calendar URL (.ics)",
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://calendar.example.com/me.ics"}),
    )

    def __init__(self, *args, people: list[Person], **kwargs) -> None:
        kwargs.setdefault("auto_id", "calendar_%s")
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = _person_choices(people)
        self.fields["person"].accepts = any_person_id


class FairnessForm(OncallForm):
    """The period on-call hours are added up over (at most a year)."""

    start = BoundedDateField(label="From", widget=DateInput, required=False)
    end = BoundedDateField(label="To", widget=DateInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "fairness_%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The period ends before it starts.")
            elif (end - start).days > MAX_FAIRNESS_DAYS:
                self.add_error("end", "Pick a period of at most a year.")
        return data
