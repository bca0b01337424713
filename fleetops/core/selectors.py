"""What the overview page shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from fleetops.org.models import Holiday, ProductGroup, Sprint
from fleetops.org.selectors import holiday_upcoming, product_group_list, sprint_current, sprint_next


@dataclass(frozen=True)
class Overview:
    now: dt.datetime
    today: dt.date
    sprint: Sprint | None
    next_sprint: Sprint | None
    groups: list[ProductGroup]
    holidays: list[Holiday]

    @property
    def rc_sprint(self) -> Sprint | None:
        """The sprint whose RC cut is next: this one's, unless it has passed."""
        if self.sprint and self.sprint.rc_cut_at > self.now:
            return self.sprint
        return self.next_sprint

    @property
    def sprint_progress(self) -> int:
        return self.sprint.progress_percent(self.today) if self.sprint else 0

    @property
    def sprint_days_left(self) -> int:
        return self.sprint.days_left(self.today) if self.sprint else 0


def overview() -> Overview:
    """The overview's date, sprint and holidays, as of the viewer's today (their zone)."""
    today = timezone.localdate()
    return Overview(
        now=timezone.now(),
        today=today,
        sprint=sprint_current(today=today),
        next_sprint=sprint_next(today=today),
        groups=list(product_group_list()),
        holidays=list(holiday_upcoming(today=today, days=45)),
    )
