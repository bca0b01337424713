"""Dogfood deploys: the sales-demo window across daylight saving, the one-way rule, history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from fleetops.github.models import GitHubWrite
from releases.board.models import Activity, Release
from releases.dogfood import rules
from releases.dogfood.models import DogfoodDeploy
from releases.dogfood.selectors import dogfood_last_deployed
from releases.dogfood.services import dogfood_deploy
from tests.releases.factories import ReleaseFactory

UTC = dt.UTC
# Outside the window: a Saturday; inside: a Tuesday at 10:00 Pacific (18:00 UTC in winter).
SATURDAY = dt.datetime(2026, 12, 5, 18, 0, tzinfo=UTC)
TUESDAY_10AM = dt.datetime(2026, 12, 8, 18, 0, tzinfo=UTC)


def _us_dst(year: int) -> tuple[dt.datetime, dt.datetime]:
    """US daylight saving in UTC, from the statute (not from zoneinfo): the second Sunday in
    March at 2:00 PST (10:00 UTC) to the first Sunday in November at 2:00 PDT (9:00 UTC)."""
    march = dt.date(year, 3, 1)
    start = march + dt.timedelta(days=(6 - march.weekday()) % 7 + 7)
    november = dt.date(year, 11, 1)
    end = november + dt.timedelta(days=(6 - november.weekday()) % 7)
    return (
        dt.datetime.combine(start, dt.time(10), tzinfo=UTC),
        dt.datetime.combine(end, dt.time(9), tzinfo=UTC),
    )


def _oracle(at: dt.datetime) -> bool:
    start, end = _us_dst(at.year)
    local = at + dt.timedelta(hours=-7 if start <= at < end else -8)
    return local.weekday() < 5 and 7 <= local.hour < 17


def _around_a_change(year: int, which: int) -> st.SearchStrategy[dt.datetime]:
    change = _us_dst(year)[which]
    return st.datetimes(
        min_value=(change - dt.timedelta(days=9)).replace(tzinfo=None),
        max_value=(change + dt.timedelta(days=9)).replace(tzinfo=None),
    ).map(lambda naive: naive.replace(tzinfo=UTC))


@given(
    st.one_of(
        *[_around_a_change(year, which) for year in (2025, 2026, 2027) for which in (0, 1)],
        st.datetimes(
            min_value=dt.datetime(2024, 1, 1),  # noqa: DTZ001 (hypothesis wants naive bounds)
            max_value=dt.datetime(2030, 12, 31),  # noqa: DTZ001
        ).map(lambda naive: naive.replace(tzinfo=UTC)),
    )
)
def test_sales_demo_hours_follow_pacific_time_across_daylight_saving(at):
    assert rules.in_sales_demo_hours(at) == _oracle(at)


@pytest.mark.parametrize(
    ("utc", "inside"),
    [
        # March 2026: DST starts Sunday March 8. 14:30 UTC is 6:30 PST before, 7:30 PDT after.
        (dt.datetime(2026, 3, 6, 14, 30, tzinfo=UTC), False),
        (dt.datetime(2026, 3, 9, 14, 30, tzinfo=UTC), True),
        (dt.datetime(2026, 3, 6, 0, 30, tzinfo=UTC), True),  # Thursday 16:30 PST
        (dt.datetime(2026, 3, 10, 0, 30, tzinfo=UTC), False),  # Monday 17:30 PDT
        # November 2026: DST ends Sunday November 1. 14:30 UTC is 7:30 PDT before, 6:30 PST after.
        (dt.datetime(2026, 10, 30, 14, 30, tzinfo=UTC), True),
        (dt.datetime(2026, 11, 2, 14, 30, tzinfo=UTC), False),
        (dt.datetime(2026, 11, 3, 0, 30, tzinfo=UTC), True),  # Monday 16:30 PST
        (dt.datetime(2026, 11, 7, 18, 0, tzinfo=UTC), False),  # Saturday
        (dt.datetime(2026, 11, 2, 15, 0, tzinfo=UTC), True),  # exactly 7:00 PST: inside
        (dt.datetime(2026, 11, 3, 1, 0, tzinfo=UTC), False),  # exactly 17:00 PST: outside
    ],
)
def test_sales_demo_hours_on_both_sides_of_each_change(utc, inside):
    assert rules.in_sales_demo_hours(utc) is inside


def test_sales_demo_hours_needs_an_aware_time():
    with pytest.raises(ValueError, match="aware"):
        rules.in_sales_demo_hours(dt.datetime(2026, 3, 9, 8, 0))  # noqa: DTZ001


def test_deploy_refusal_never_goes_back():
    assert rules.deploy_refusal(version="4.76.0", last_deployed=None) == ""
    assert rules.deploy_refusal(version="4.76.0", last_deployed="4.75.2") == ""
    assert "older" in rules.deploy_refusal(version="4.75.10", last_deployed="4.76.0")
    assert "already runs" in rules.deploy_refusal(version="4.76.0", last_deployed="4.76.0")
    # Numbers, not strings: 4.100.0 is newer than 4.99.0.
    assert rules.deploy_refusal(version="4.100.0", last_deployed="4.99.0") == ""


@pytest.fixture
def published(org):
    release = org["release"]
    release.state = Release.State.PUBLISHED
    release.save()
    return release


@pytest.fixture
def dispatch(settings, httpserver):
    """GitHub's dispatch endpoint on loopback, with writes on."""
    settings.FLEETOPS_GITHUB_WRITE = True
    settings.GITHUB_API_URL = httpserver.url_for("").rstrip("/")
    settings.GITHUB_TOKEN = "test-token"
    return httpserver


def _expect_dispatch(httpserver, version: str) -> None:
    httpserver.expect_oneshot_request(
        "/repos/fleetdm/fleet/actions/workflows/dogfood-deploy.yml/dispatches",
        method="POST",
        json={"ref": "main", "inputs": {"DOCKER_IMAGE": f"fleetdm/fleet:v{version}"}},
    ).respond_with_data("", status=204)


@pytest.mark.django_db
def test_deploy_outside_hours_dispatches_the_image_once(published, org, dispatch):
    _expect_dispatch(dispatch, "4.75.0")
    dri = published.dri.user
    deploy = dogfood_deploy(release=published, actor=dri, at=SATURDAY)
    dispatch.check_assertions()
    assert deploy.image == "fleetdm/fleet:v4.75.0"
    assert not deploy.dry_run
    assert deploy.status == GitHubWrite.Status.DONE
    assert not deploy.in_sales_hours
    assert dogfood_last_deployed() == "4.75.0"
    assert Activity.objects.filter(release=published, kind="dogfood-deploy").count() == 1
    with pytest.raises(ValidationError, match=r"already runs v4\.75\.0"):
        dogfood_deploy(release=published, actor=dri, at=SATURDAY)
    assert len(dispatch.log) == 1


@pytest.mark.django_db
def test_deploy_refuses_an_older_version_than_dogfood_runs(published, org, dispatch):
    newer = ReleaseFactory(version="4.76.0", state=Release.State.PUBLISHED, dri=published.dri)
    _expect_dispatch(dispatch, "4.76.0")
    dogfood_deploy(release=newer, actor=newer.dri.user, at=SATURDAY)
    with pytest.raises(ValidationError, match="down migrations"):
        dogfood_deploy(release=published, actor=published.dri.user, at=SATURDAY)
    assert DogfoodDeploy.objects.filter(release=published).count() == 0
    assert len(dispatch.log) == 1


@pytest.mark.django_db
def test_deploy_inside_sales_hours_needs_a_reason_and_records_it(published, org):
    dri = published.dri.user
    with pytest.raises(ValidationError, match="coordinated with #g-sales"):
        dogfood_deploy(release=published, actor=dri, at=TUESDAY_10AM)
    assert not DogfoodDeploy.objects.exists()
    deploy = dogfood_deploy(
        release=published, actor=dri, at=TUESDAY_10AM, reason="  coordinated with #g-sales "
    )
    assert deploy.in_sales_hours
    assert deploy.reason == "coordinated with #g-sales"
    assert deploy.dry_run  # writes are off: a preview
    write = deploy.write
    assert write.status == GitHubWrite.Status.DRY_RUN
    assert write.path == "/repos/fleetdm/fleet/actions/workflows/dogfood-deploy.yml/dispatches"
    assert write.payload == {"ref": "main", "inputs": {"DOCKER_IMAGE": "fleetdm/fleet:v4.75.0"}}
    assert dogfood_last_deployed() is None  # a dry run is not a deploy


@pytest.mark.django_db
def test_deploy_needs_a_published_release_and_its_dri(org):
    release = org["release"]  # in QA
    with pytest.raises(ValidationError, match="not published yet"):
        dogfood_deploy(release=release, actor=release.dri.user, at=SATURDAY)
    release.state = Release.State.PUBLISHED
    release.save()
    with pytest.raises(PermissionDenied):
        dogfood_deploy(release=release, actor=org["outsider"], at=SATURDAY)
    assert not DogfoodDeploy.objects.exists()


@pytest.mark.django_db
def test_dogfood_page_previews_the_dispatch_and_keeps_the_history(published, org, client):
    client.force_login(org["staff"])
    url = reverse("releases:dogfood", args=["4.75.0"])
    page = client.get(url).content.decode()
    assert "dogfood-deploy.yml/dispatches" in page
    assert "fleetdm/fleet:v4.75.0" in page
    assert "Not deployed to dogfood yet." in page
    response = client.post(url, {"reason": "coordinated with #g-sales"}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "coordinated with #g-sales" in page
    assert "dry run" in page
    assert DogfoodDeploy.objects.get().actor == org["staff"]


@pytest.mark.django_db
def test_dogfood_page_refuses_outsiders_and_too_long_reasons(published, org, client):
    url = reverse("releases:dogfood", args=["4.75.0"])
    client.force_login(org["outsider"])
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(org["staff"])
    response = client.post(url, {"reason": "x" * 501})
    assert response.status_code == 400
    assert "at most 500 characters" in response.content.decode()
    assert not DogfoodDeploy.objects.exists()
