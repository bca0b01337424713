"""The person's own settings: the time zone every moment is shown in."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from functools import cache

from django import forms

from fleetops.org.models import validate_time_zone

# Regions of the IANA database people live in; legacy aliases (US/Pacific, EST5EDT, Etc/…)
# stay valid (the model's validator accepts every IANA name) but are not offered.
REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)


@cache
def time_zone_choices() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """IANA zone names grouped by region (for an <optgroup> each), then UTC."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for name in zoneinfo.available_timezones():
        region, _, rest = name.partition("/")
        if region in REGIONS and rest:
            grouped[region].append(name)
    groups = [
        (region, tuple((name, name.partition("/")[2].replace("_", " ")) for name in sorted(names)))
        for region, names in sorted(grouped.items())
    ]
    return (*groups, ("Other", (("UTC", "UTC"),)))


class PersonSettingsForm(forms.Form):
    """A person's own settings. Any IANA name is valid (`validate_time_zone`); the list offers
    the usual ones, and the person's current zone even when it is a legacy alias."""

    time_zone = forms.CharField(
        label="Time zone",
        max_length=64,
        validators=[validate_time_zone],
        help_text="Every date and time on every page is shown in this zone. Rules the handbook "
        "states in Pacific time (the RC cut at 8:00 AM, business hours 9 to 5) stay Pacific and "
        "are shown in your zone.",
    )

    def __init__(self, *args: object, current: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        choices = list(time_zone_choices())
        offered = {name for _, group in choices for name, _ in group}
        # The person's zone when it is a legacy alias (set in the admin or the org file), and
        # what they sent when it was refused (the input is kept beside its error).
        sent = str(self.data.get("time_zone", ""))[:64] if self.is_bound else ""
        extra = list(dict.fromkeys(v for v in (current, sent) if v and v not in offered))
        if extra:
            choices.insert(0, ("Yours", tuple((value, value) for value in extra)))
        self.fields["time_zone"].widget = forms.Select(choices=choices)
