"""Fleet-scale releases: one minor release per sprint for 3 years, the newest in QA."""

from __future__ import annotations

from fleetops.github.models import Milestone
from fleetops.org.models import ProductGroup, Sprint
from releases.models import Release, Signoff
from worlds.scale.context import ScaleContext


def seed(ctx: ScaleContext) -> None:
    sprints = list(Sprint.objects.filter(starts_on__lte=ctx.today).order_by("number"))
    groups = list(ProductGroup.objects.select_related("qa_lead"))
    milestones = {m.title: m for m in Milestone.objects.all()}
    releases = []
    for index, sprint in enumerate(sprints):
        version = f"4.{index}.0"
        latest = index == len(sprints) - 1
        releases.append(
            Release(
                version=version,
                sprint=sprint,
                milestone=milestones.get(version),
                target_date=sprint.ends_on,
                dri=groups[index % len(groups)].engineering_manager,
                state=Release.State.QA if latest else Release.State.CONCLUDED,
            )
        )
    Release.objects.bulk_create(releases)
    states = [
        Signoff.State.READY,
        Signoff.State.TESTING,
        Signoff.State.BLOCKED,
        Signoff.State.NOT_STARTED,
    ]
    Signoff.objects.bulk_create(
        [
            Signoff(
                release=release,
                group=group,
                state=Signoff.State.READY if release.state != Release.State.QA else states[i % 4],
                note="Blocked by the scale data"
                if release.state == Release.State.QA and i % 4 == 2
                else "",
            )
            for release in releases
            for i, group in enumerate(groups)
        ]
    )
    ctx.summary.append(f"releases: {len(releases)}, v{releases[-1].version} in QA")
