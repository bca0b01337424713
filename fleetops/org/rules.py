"""The handbook's rules stated in a fixed zone: Pacific time, whatever the settings say.

Handbook, "Release candidates": "A release candidate for the next minor release is created
on the last Friday of each sprint at 8:00 AM Pacific." The on-call business hours ("9am -
5pm Pacific", `oncall/community/rules.py`) and the dogfood window ("7am - 5pm Pacific time
Monday - Friday", `releases/dogfood/rules.py`) use the same `PACIFIC`.

`FLEETOPS_TIME_ZONE` is the default display zone and the zone of the organisation's
calendar dates; changing it never moves these rules (ADR 0016). Pure: no ORM, no settings.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

# The handbook's "Pacific": the zone of the wall clock, with its daylight-saving changes.
PACIFIC = zoneinfo.ZoneInfo("America/Los_Angeles")
RC_CUT_TIME = dt.time(8, 0)  # "the last Friday of each sprint at 8:00 AM Pacific"


def rc_cut_at(last_friday: dt.date) -> dt.datetime:
    """When the release candidate is cut (UTC): `last_friday` at 8:00 AM Pacific."""
    return dt.datetime.combine(last_friday, RC_CUT_TIME, tzinfo=PACIFIC).astimezone(dt.UTC)
