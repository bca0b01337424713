"""A hand-built mirror: issues and PRs with exactly the labels and times a test needs."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from fleetops.github.models import Issue, Label, Repository, SyncRun

UTC = dt.UTC


class Mirror:
    """Builds mirror rows directly (the KPIs read the mirror; how it was synced is not theirs)."""

    def __init__(self, repository: Repository) -> None:
        self.repository = repository
        self.labels: dict[str, Label] = {}
        self.numbers = itertools.count(1)

    def label(self, name: str) -> Label:
        if name not in self.labels:
            self.labels[name] = Label.objects.create(
                repository=self.repository, github_id=len(self.labels) + 1, name=name
            )
        return self.labels[name]

    def issue(
        self,
        *,
        created: dt.datetime,
        closed: dt.datetime | None = None,
        labels: tuple[str, ...] | list[str] = (),
        pr: bool = False,
        draft: bool = False,
        bot: bool = False,
        merged: dt.datetime | None = None,
        gone: dt.datetime | None = None,
    ) -> Issue:
        number = next(self.numbers)
        closed = closed or merged
        issue = Issue.objects.create(
            repository=self.repository,
            github_id=900_000 + number,
            number=number,
            is_pull_request=pr,
            title=f"item {number}",
            state="closed" if closed else "open",
            draft=draft,
            author_login="dependabot[bot]" if bot else "someone",
            author_is_bot=bot,
            created_at=created,
            updated_at=max(filter(None, [created, closed])),
            closed_at=closed,
            merged_at=merged,
            gone_at=gone,
        )
        issue.labels.set([self.label(name) for name in labels])
        return issue

    def bug(self, *, created: dt.datetime, closed: dt.datetime | None = None, labels=(), **kw):
        return self.issue(created=created, closed=closed, labels=("bug", *labels), **kw)

    def pr(self, *, created: dt.datetime, **kw) -> Issue:
        return self.issue(created=created, pr=True, **kw)

    def sync(self, *, started: dt.datetime, outcome: str = "ok") -> SyncRun:
        return SyncRun.objects.create(
            repository=self.repository,
            kind="incremental",
            started_at=started,
            finished_at=started + dt.timedelta(seconds=30),
            outcome=outcome,
        )


@pytest.fixture
def pacific(settings):
    settings.FLEETOPS_TIME_ZONE = "America/Los_Angeles"
    return settings


@pytest.fixture
def mirror(db, pacific) -> Mirror:
    repository = Repository.objects.create(full_name=pacific.GITHUB_REPOSITORY)
    return Mirror(repository)


def record_snapshot(week: str, *, groups=None, buildup=None, **metrics):
    """A recorded week with the given metrics (the rest zero/None), built directly."""
    from django.utils import timezone

    from kpis.models import KpiSnapshot
    from kpis.rules import METRIC_KEYS, WORKFLOW_LABELS
    from kpis.weeks import IsoWeek

    iso = IsoWeek.parse(week)
    values = {key: (None if key.endswith("_avg_days") else 0) for key in METRIC_KEYS}
    values.update(metrics)
    average = values["open_bugs_avg_days"]
    return KpiSnapshot.objects.create(
        week=week,
        starts_at=iso.starts_at(),
        ends_at=iso.ends_at(),
        time_zone="America/Los_Angeles",
        metrics=values,
        groups=groups or {},
        buildup=buildup or {"all": dict.fromkeys(WORKFLOW_LABELS, 0)},
        over_bug_goal=average is not None and average > 32,
        computed_at=timezone.now(),
    )


@pytest.fixture
def weeks(db, pacific):
    """Builds `count` consecutive recorded weeks ending 2026-W46, with varied values."""
    from kpis.weeks import IsoWeek

    def build(count: int) -> list:
        last = IsoWeek(2026, 46)
        made = []
        for back in reversed(range(count)):
            index = count - back
            made.append(
                record_snapshot(
                    last.previous(back).name,
                    open_bugs=40 + index,
                    open_bugs_avg_days=30.0 + index / 4,
                    bugs_opened=index % 7,
                    bugs_closed=(index * 3) % 8,
                    contributor_open_prs_avg_days=2.5 + index / 10,
                    open_bugs_32_days_or_older=index,
                    customer_bugs_opened=index % 2,
                    groups={
                        "#g-mdm": {
                            "bugs_opened": index % 5,
                            "bugs_opened_customer": 0,
                            "bugs_opened_released": index % 3,
                            "bugs_opened_unreleased": 1,
                        },
                        "#g-software": {
                            "bugs_opened": 100 + index,
                            "bugs_opened_customer": 1,
                            "bugs_opened_released": 2,
                            "bugs_opened_unreleased": 0,
                        },
                    },
                    buildup={
                        "all": {":incoming": 3, ":reproduce": index, ":product": 1, ":release": 5},
                        "#g-mdm": {":incoming": 1, ":reproduce": 2, ":product": 0, ":release": 3},
                        "#g-software": {
                            ":incoming": 0,
                            ":reproduce": 7,
                            ":product": 0,
                            ":release": 9,
                        },
                    },
                )
            )
        return made

    return build
