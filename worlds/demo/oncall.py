"""Demo on-call: the developer rotation, an override, a swap, time off, the last handoff.

Eight engineers of the demo organisation (two per product group) take weekly shifts that
hand off on Mondays at 9:00 Pacific, since ten weeks ago (so fairness has a history). Next
week someone covers two days of the shift, the shifts in two and three weeks are swapped,
a few engineers are away in the current and next sprints, and the engineer on call in four
weeks has a Friday off that nobody covers yet: a gap the pages flag in red. Everything goes
through the services, as an EM would do it. Safe to run twice: a rotation that exists is
left as it is.
"""

from __future__ import annotations

import datetime as dt

from fleetops.org.models import Holiday, Person, ProductGroup
from oncall.models import OncallProfile, Rotation, RotationMember
from oncall.schedule.handoffs import handoff_record
from oncall.schedule.selectors import schedule_load, shift_owner
from oncall.schedule.services import override_create, swap_create, time_off_create
from worlds.demo.context import DemoContext

ROTATION = "Developer on-call"
MEMBERS = [
    "jreyes",
    "cnovak",
    "nfitzgerald",
    "fzahra",
    "atanaka",
    "imoreno",
    "mchen",
    "bcarter",
]
HISTORY_WEEKS = 10


def _em_user(person: Person):
    group = (
        ProductGroup.objects.filter(members=person, engineering_manager__isnull=False)
        .select_related("engineering_manager__user")
        .first()
    )
    return group.engineering_manager.user if group else None


def seed(ctx: DemoContext) -> None:
    people = {p.github_login: p for p in Person.objects.filter(github_login__in=MEMBERS)}
    if len(people) < 2:
        ctx.summary.append("on-call: skipped (the demo organisation has too few engineers)")
        return
    today = ctx.today
    monday = today - dt.timedelta(days=today.weekday())
    rotation, created = Rotation.objects.get_or_create(
        name=ROTATION,
        defaults={
            "starts_on": monday - dt.timedelta(weeks=HISTORY_WEEKS),
            "handoff_weekday": 0,
            "handoff_time": dt.time(9, 0),
            "shift_weeks": 1,
        },
    )
    if created:
        RotationMember.objects.bulk_create(
            RotationMember(rotation=rotation, person=people[login], position=position)
            for position, login in enumerate(MEMBERS)
            if login in people
        )
        for person in people.values():
            OncallProfile.objects.get_or_create(person=person)
        _decisions(ctx, rotation)
    handoff_record(now=ctx.now)
    ctx.summary.append(
        f"on-call: rotation “{rotation.name}” with {rotation.members.count()} engineers, "
        f"{rotation.overrides.filter(swap__isnull=True).count()} override(s), "
        f"{rotation.swaps.count()} swap(s), time off for a few engineers"
    )


def _decisions(ctx: DemoContext, rotation: Rotation) -> None:
    """Time off first, then the changes an EM makes around it (as the services check them)."""
    now = ctx.now
    data = schedule_load(start=now, end=now + dt.timedelta(weeks=8), rotation_id=rotation.pk)
    plan = data.rotation(rotation.pk)
    current = plan.shift_index_at(now)

    def owner(offset: int) -> Person:
        return data.person(shift_owner(data, plan, current + offset))

    def local_day(offset: int, weekday: int) -> dt.date:
        start = plan.shift_start(current + offset).astimezone(plan.zone).date()
        return start + dt.timedelta(days=weekday)

    def working_day(offset: int, weekday: int) -> dt.date:
        """That weekday of the shift's week, or the weekday before it if it is a holiday."""
        holidays = set(Holiday.objects.values_list("date", flat=True))
        day = local_day(offset, weekday)
        while day in holidays or day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        return day

    # Away: someone not on call soon this sprint, a week off later, and a Friday nobody covers.
    away = [
        (owner(5), local_day(1, 1), local_day(1, 3), "Conference"),
        (owner(6), local_day(3, 0), local_day(3, 4), "Vacation"),
        (owner(4), working_day(4, 4), working_day(4, 4), "Moving house"),
    ]
    for person, first, last, note in away:
        time_off_create(
            person_id=person.pk, starts_on=first, ends_on=last, note=note, actor=_em_user(person)
        )
    # Next week: the on-call engineer's Wednesday and Thursday are covered by a teammate.
    covered, cover = owner(1), owner(2)
    em = _em_user(covered)
    wednesday = dt.datetime.combine(local_day(1, 2), dt.time(9, 0), tzinfo=plan.zone)
    override_create(
        rotation_id=rotation.pk,
        person_id=cover.pk,
        starts_at=wednesday,
        ends_at=wednesday + dt.timedelta(days=2),
        note=f"{covered.name.split()[0]} at a customer onsite",
        actor=em,
        now=now,
    )
    # The shifts in two and three weeks change hands.
    swap_create(
        rotation_id=rotation.pk,
        first_shift_starts_at=plan.shift_start(current + 2),
        second_shift_starts_at=plan.shift_start(current + 3),
        note="Family visit",
        actor=owner(2).user or em,
        now=now,
    )
