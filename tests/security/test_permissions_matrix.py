"""Issue 9: every state-changing URL x every role, with the answer each role must get.

DESIGN.md, rules of the road: "A view that changes state is a POST, CSRF-protected, checks
the user's right to do it, and records who did what and when."

The URLs are discovered from the URL conf (tests/test_urls.py walks it): every URL that
does not answer a POST with 405 accepts POST and must be listed in MATRIX, with a valid
request and the roles the code lets do it. A new view without an entry fails
`test_matrix_lists_every_post_accepting_url`; a role that gets through where it should not
fails `test_matrix`. Roles are the `org` fixture's people (tests/releases/conftest.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fleetops.github.models import GitHubWrite, SyncRun, WebhookDelivery
from fleetops.org.models import Person, ProductGroup, process_today
from releases.dependencies.rules import Finding
from releases.dependencies.services import dependency_run_record
from releases.models import DependencyCheckResult, MergeException, Signoff
from tests.factories import PersonFactory
from tests.oncall.factories import (
    OverrideFactory,
    TimeOffFactory,
    mirror_comment,
    mirror_issue,
    rotation_with,
)
from tests.releases.conftest import org  # noqa: F401  (the fixture, used through `world`)
from tests.test_urls import ROUTES, _concrete

ROLES = ("anonymous", "engineer", "qa_other", "qa", "em", "dri", "staff")
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
LOGIN = "/accounts/login/"
STALE_NUMBER = 777

# Not walked: Django's admin (its own permission system), allauth's sign-in flows, and the
# GitHub webhook (public, HMAC-verified: tests/github/test_webhooks.py).
EXCLUDED_PREFIXES = ("admin:", "account_", "socialaccount_")
EXCLUDED = {
    "",  # allauth's unnamed patterns
    "admin",  # the admin's unnamed patterns (its catch-all), in the `admin` namespace
    "github_login",
    "github_callback",
    "github:webhook",
    "admin_login_redirect",  # allauth's sign-in page, or "not allowed" for the signed-in
}


def _excluded(name: str) -> bool:
    return name in EXCLUDED or name.startswith(EXCLUDED_PREFIXES)


# -- the world every case runs in ---------------------------------------------------------


@pytest.fixture
def world(org, monkeypatch):  # noqa: F811  (the imported fixture)
    """`org` plus what the URLs act on: a rotation, an override, time off, a dependency run
    with its results, a merge exception, a stale community issue; tasks are recorded."""
    mdm: ProductGroup = org["mdm"]
    release = org["release"]
    alice, bob, carol, tess = (
        PersonFactory(user__username=k, name=n, github_login=k)
        for k, n in [
            ("alice", "Alice Adams"),
            ("bob", "Bob Brown"),
            ("carol", "Carol Chen"),
            ("tess", "Tess Away"),
        ]
    )
    mdm.members.add(alice, bob, carol, tess)
    today = process_today()
    monday = today - dt.timedelta(days=today.weekday())
    rotation = rotation_with(
        alice, bob, carol, name="Developer on-call", starts_on=monday - dt.timedelta(weeks=2)
    )
    now = timezone.now()
    override = OverrideFactory(
        rotation=rotation,
        person=bob,
        starts_at=now + dt.timedelta(days=30),
        ends_at=now + dt.timedelta(days=30, hours=2),
        created_by=org["staff"],
    )
    time_off = TimeOffFactory(
        person=tess, starts_on=today + dt.timedelta(days=60), created_by=org["staff"]
    )
    issue = mirror_issue(
        number=STALE_NUMBER, author_login="jdoe", created_at=now - dt.timedelta(days=20)
    )
    mirror_comment(issue, at=now - dt.timedelta(days=8), login="em-mdm")
    run = dependency_run_record(
        release=release,
        ref="main",
        findings=[
            Finding(
                "go",
                current="1.24.4",
                latest="1.24.6",
                status="outdated",
                release_blocker=True,
                action="bug",
                detail="Go 1.24.6 is out.",
                data={"file": "go.mod", "line": 3, "ref": "main"},
            ),
            # Acknowledgeable (an outdated Go patch is not: it must be upgraded).
            Finding(
                "osquery",
                current="5.12.2",
                latest="5.13.0",
                status="outdated",
                release_blocker=False,
                action="bug",
                detail="osquery 5.13.0 is out.",
            ),
        ],
        trigger="schedule",
        started_at=now - dt.timedelta(seconds=12),
        finished_at=now,
    )
    Signoff.objects.filter(release=release, group=mdm).update(
        state=Signoff.State.BLOCKED, note="Enrollment fails"
    )
    exception = MergeException.objects.create(
        release=release,
        group=mdm,
        pr_number=4242,
        reason="Customer launch",
        requested_by=org["outsider"],
        requested_at=now,
    )
    queued: list[tuple[str, tuple, dict]] = []

    def recorder(name: str) -> Callable[..., None]:
        return lambda *args, **kwargs: queued.append((name, args, kwargs))

    for task in (
        "releases.dependencies.views.dependency_checks_run_task",
        "fleetops.github.pages.repository_sync_task",
        "oncall.schedule.tasks.time_off_import_task",
    ):
        monkeypatch.setattr(f"{task}.delay", recorder(task))
        monkeypatch.setattr(f"{task}.delay_on_commit", recorder(task))
    users = {
        "anonymous": None,
        "engineer": org["outsider"],
        "qa_other": org["software"].qa_lead.user,
        "qa": mdm.qa_lead.user,
        "em": mdm.engineering_manager.user,
        "dri": release.dri.user,
        "staff": org["staff"],
    }
    return SimpleNamespace(
        **org,
        users=users,
        rotation=rotation,
        members=(alice, bob, carol),
        tess=tess,
        override=override,
        time_off=time_off,
        result=DependencyCheckResult.objects.get(run=run, check_name="go"),
        outdated=DependencyCheckResult.objects.get(run=run, check_name="osquery"),
        exception=exception,
        queued=queued,
    )


# -- what each state-changing URL needs and who may --------------------------------------


@dataclass(frozen=True)
class Entry:
    kwargs: Callable[[Any], dict] = lambda w: {}
    data: Callable[[Any], dict] = lambda w: {}
    allowed: frozenset[str] = frozenset()
    # What a refused role gets: 403 (the on-call forms offer only what the user may do, but
    # a forged value goes on to the service, which refuses it with its reason).
    refused: frozenset[int] = field(default_factory=lambda: frozenset({403}))


def _roles(*names: str) -> frozenset[str]:
    assert set(names) <= SIGNED_IN, names
    return frozenset(names)


V = {"version": "4.75.0"}


def _override_data(w) -> dict:
    """Someone covers the next hour, in place of whoever is scheduled then."""
    from oncall.schedule.selectors import oncall_person_now

    starts_at = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours=1)
    ends_at = starts_at + dt.timedelta(hours=1)
    scheduled = {
        oncall_person_now(at=starts_at),
        oncall_person_now(at=ends_at - dt.timedelta(minutes=1)),
    }
    cover = next(p for p in w.members if p not in scheduled)
    return {
        "rotation": w.rotation.pk,
        "person": cover.pk,
        "starts_at": starts_at.isoformat(),
        "ends_at": ends_at.isoformat(),
        "note": "covering",
    }


def _swap_data(w) -> dict:
    from oncall.schedule.overview import shift_choices

    shifts = shift_choices()
    return {
        "rotation": w.rotation.pk,
        "first_shift": shifts[0][0],
        "second_shift": shifts[1][0],
        "note": "trade",
    }


MATRIX: dict[str, Entry] = {
    # The blocked reason, edited in place (MDM is blocked in `world`): can_sign. Before
    # "releases:signoff", which moves the card out of blocked.
    "releases:signoff-reason": Entry(
        kwargs=lambda w: V | {"group": "mdm"},
        data=lambda w: {"note": "The fix is in review"},
        allowed=_roles("qa", "dri", "staff"),
    ),
    # A note on the card, without moving it: can_note (can_sign and the group's EM).
    "releases:signoff-note": Entry(
        kwargs=lambda w: V | {"group": "mdm"},
        data=lambda w: {"note": "Retest on Thursday"},
        allowed=_roles("qa", "em", "dri", "staff"),
    ),
    # releases/permissions.py can_sign: the group's QA lead, the release DRI, staff.
    "releases:signoff": Entry(
        kwargs=lambda w: V | {"group": "mdm"},
        data=lambda w: {"state": "ready"},
        allowed=_roles("qa", "dri", "staff"),
    ),
    # can_drive: the DRI and staff (cut, state, conclude).
    "releases:cut": Entry(kwargs=lambda w: V, allowed=_roles("dri", "staff")),
    "releases:state": Entry(
        kwargs=lambda w: V, data=lambda w: {"state": "qa"}, allowed=_roles("dri", "staff")
    ),
    "releases:conclude": Entry(kwargs=lambda w: V, allowed=_roles("dri", "staff")),
    # merge_exception_request has no right check: anyone signed in may ask (handbook: the
    # engineer whose feature missed the cut notifies the EM; the three roles decide).
    "releases:exception-request": Entry(
        kwargs=lambda w: V,
        data=lambda w: {"group": "mdm", "pr_number": 5150, "reason": "Launch"},
        allowed=SIGNED_IN,
    ),
    # merge_exception_decide: the group's EM, its QA lead, the release DRI (not staff).
    "releases:exception-decide": Entry(
        kwargs=lambda w: V | {"pk": w.exception.pk},
        data=lambda w: {"decision": "approve"},
        allowed=_roles("qa", "em", "dri"),
    ),
    # Dogfood deploys: can_drive (the DRI and staff). Pushed-story notices: any EM (the
    # handbook's owner of the step), the release DRI and staff.
    "releases:dogfood": Entry(
        kwargs=lambda w: V,
        data=lambda w: {"reason": "coordinated with #g-sales"},
        allowed=_roles("dri", "staff"),
    ),
    "releases:pushed-notify": Entry(
        kwargs=lambda w: V | {"number": 4242}, allowed=_roles("em", "dri", "staff")
    ),
    # dependency_checks.can_run_dependency_checks: staff, the DRI, any EM or QA lead.
    "releases:dependencies-run": Entry(
        data=lambda w: {"release": "4.75.0"},
        allowed=_roles("qa_other", "qa", "em", "dri", "staff"),
    ),
    # can_act_on_dependency_checks: the release DRI or staff.
    "releases:dependencies-file": Entry(
        kwargs=lambda w: {"result_id": w.result.pk}, allowed=_roles("dri", "staff")
    ),
    "releases:dependencies-acknowledge": Entry(
        kwargs=lambda w: {"result_id": w.outdated.pk},
        data=lambda w: {"note": "Patch release only"},
        allowed=_roles("dri", "staff"),
    ),
    "releases:dependencies-confirm-feeds": Entry(
        kwargs=lambda w: V, data=lambda w: {"note": "Nothing new"}, allowed=_roles("dri", "staff")
    ),
    # oncall/permissions.py can_manage_rotation: staff and any EM (or the people on call for
    # their own shifts, none of whom is a role here).
    "oncall:override-add": Entry(data=_override_data, allowed=_roles("em", "staff")),
    "oncall:override-cancel": Entry(
        kwargs=lambda w: {"override_id": w.override.pk}, allowed=_roles("em", "staff")
    ),
    "oncall:swap-add": Entry(data=_swap_data, allowed=_roles("em", "staff")),
    # feed_token_rotate: one's own feed; a user with no Person (the staff user) has none.
    "oncall:feed-rotate": Entry(allowed=_roles("engineer", "qa_other", "qa", "em", "dri")),
    # _may_close_stale: staff, an EM, whoever is on call now.
    "oncall:stale-close": Entry(
        kwargs=lambda w: {"number": STALE_NUMBER}, allowed=_roles("em", "staff")
    ),
    # can_manage_time_off: the person, the EM of one of their groups, staff (Tess is in MDM).
    "oncall:time-off-add": Entry(
        data=lambda w: {
            "person": w.tess.pk,
            "starts_on": (process_today() + dt.timedelta(days=90)).isoformat(),
            "ends_on": (process_today() + dt.timedelta(days=91)).isoformat(),
            "note": "Vacation",
        },
        allowed=_roles("em", "staff"),
    ),
    "oncall:time-off-delete": Entry(
        kwargs=lambda w: {"time_off_id": w.time_off.pk}, allowed=_roles("em", "staff")
    ),
    "oncall:calendar-set": Entry(
        data=lambda w: {"person": w.tess.pk, "ics_url": "https://cal.example.com/tess.ics"},
        allowed=_roles("em", "staff"),
    ),
    "oncall:calendar-import": Entry(
        kwargs=lambda w: {"person_id": w.tess.pk}, allowed=_roles("em", "staff")
    ),
    # fleetops/github/pages.py sync_now: staff only.
    "github:sync-now": Entry(allowed=_roles("staff")),
    # fleetops/org/views.py me: one's own time zone; a user with no Person (staff) has none.
    "me": Entry(
        data=lambda w: {"time_zone": "Europe/Berlin"},
        allowed=_roles("engineer", "qa_other", "qa", "em", "dri"),
    ),
}


# -- a cheap fingerprint of everything a view could change --------------------------------

WATCHED = [
    *apps.get_app_config("releases").get_models(),
    *apps.get_app_config("oncall").get_models(),
    GitHubWrite,
    SyncRun,
    WebhookDelivery,
    Person,
    ProductGroup,
]


def fingerprint() -> dict[str, list[tuple]]:
    """Every row of the app tables (small in these tests): counts, states, who, when."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list()) for model in WATCHED
    }


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _url(name: str, world) -> str:
    return reverse(name, kwargs=MATRIX[name].kwargs(world))


def _is_login_redirect(response) -> bool:
    return response.status_code in (301, 302) and response["Location"].startswith(LOGIN)


# -- discovery ----------------------------------------------------------------------------

WALKED = sorted({name for name, _ in ROUTES if not _excluded(name)})


@pytest.mark.django_db
def test_matrix_lists_every_post_accepting_url(world):
    """POST as an engineer with no role and no data: anything but 405 accepts POST."""
    client = _client(world.users["engineer"])
    accepting = set()
    for name, route in ROUTES:
        if _excluded(name):
            continue
        url = _url(name, world) if name in MATRIX else _concrete(route)
        if client.post(url).status_code != 405:
            accepting.add(name)
    missing = sorted(accepting - MATRIX.keys())
    assert not missing, f"POST-accepting URLs missing from MATRIX: {missing}"
    gone = sorted(MATRIX.keys() - set(WALKED))
    assert not gone, f"MATRIX names that are no longer URLs: {gone}"
    read_only = sorted(MATRIX.keys() - accepting)
    assert not read_only, f"MATRIX lists URLs that refuse POST (405): {read_only}"


# -- the matrix ---------------------------------------------------------------------------

CASES = [(name, role) for name in MATRIX for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_matrix(world, name, role, django_capture_on_commit_callbacks):
    entry = MATRIX[name]
    url = _url(name, world)
    data = entry.data(world)
    before = fingerprint()
    with django_capture_on_commit_callbacks(execute=False):
        response = _client(world.users[role]).post(url, data)
    status = response.status_code
    if role == "anonymous":
        assert _is_login_redirect(response), f"{url}: anonymous got {status}"
        assert fingerprint() == before, f"{url}: anonymous changed something"
        assert not world.queued, f"{url}: anonymous queued {world.queued}"
    elif role in entry.allowed:
        assert status != 403, f"{url}: {role} may, but got 403"
        assert not _is_login_redirect(response), f"{url}: {role} was sent to sign in"
        assert status < 400, f"{url}: {role} got {status}"
    else:
        assert status in entry.refused, f"{url}: {role} may not, but got {status}"
        assert fingerprint() == before, f"{url}: refused {role}, yet something changed"
        assert not world.queued, f"{url}: refused {role}, yet queued {world.queued}"


@pytest.mark.django_db
def test_matrix_allowed_roles_change_something(world, django_capture_on_commit_callbacks):
    """Sanity of the valid requests: as staff (or the DRI/EM where staff may not), each
    state-changing POST does change the tables, so "nothing changed" above means refused."""
    no_change_expected = {
        "releases:cut",  # the fixture's release is in QA: no RC cut (a clear message)
        "releases:conclude",  # not published yet: nothing to conclude
        "releases:dogfood",  # not published yet: not deployed (said next to the field)
        "releases:pushed-notify",  # no story is labelled ~pushed: "not an open story ..."
        "oncall:calendar-import",  # Tess has no calendar URL: "No calendar URL is set."
        "github:sync-now",  # only queues a task (recorded by `world`)
        "releases:dependencies-run",  # only queues a task
    }
    for name, entry in MATRIX.items():
        role = next(r for r in ("staff", "dri", "em", "engineer") if r in entry.allowed)
        before = fingerprint()
        with django_capture_on_commit_callbacks(execute=False):
            response = _client(world.users[role]).post(_url(name, world), entry.data(world))
        assert response.status_code < 400, f"{name} as {role}: {response.status_code}"
        if name not in no_change_expected:
            assert fingerprint() != before, f"{name} as {role} changed nothing"
    queued = {task for task, _, _ in world.queued}
    assert {
        "releases.dependencies.views.dependency_checks_run_task",
        "fleetops.github.pages.repository_sync_task",
        "oncall.schedule.tasks.time_off_import_task",
    } <= queued


@pytest.mark.django_db
def test_matrix_get_is_read_only(world, django_capture_on_commit_callbacks):
    """GET on a state-changing URL is refused (405) or only reads."""
    client = _client(world.users["staff"])
    for name in MATRIX:
        url = _url(name, world)
        before = fingerprint()
        with django_capture_on_commit_callbacks(execute=False):
            response = client.get(url)
        assert response.status_code in (200, 405), f"GET {url}: {response.status_code}"
        assert fingerprint() == before, f"GET {url} changed something"


@pytest.mark.django_db
def test_matrix_posts_need_the_csrf_token(world):
    """CSRF-protected: without the token, even staff's valid POST is refused, changing nothing."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["staff"])
    for name, entry in MATRIX.items():
        before = fingerprint()
        response = client.post(_url(name, world), entry.data(world))
        assert response.status_code == 403, f"{name} without CSRF token: {response.status_code}"
        assert fingerprint() == before, f"{name} without CSRF token changed something"


def test_matrix_roles_are_known():
    for name, entry in MATRIX.items():
        assert entry.allowed <= SIGNED_IN, name
        assert entry.refused, name
        assert all(status >= 400 for status in entry.refused), name


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(SIGNED_IN - MATRIX["releases:cut"].allowed))
def test_matrix_cut_refused_after_the_cut_too(world, role):
    """Once the RC is cut, a second cut returns it; a refused role still gets 403, not the
    "Release candidate … cut" message (the right is checked before the early return)."""
    from releases.models import ReleaseCandidate

    ReleaseCandidate.objects.create(
        release=world.release, branch="rc-minor-fleet-v4.75.0", cut_at=timezone.now()
    )
    before = fingerprint()
    response = _client(world.users[role]).post(_url("releases:cut", world))
    assert response.status_code == 403, response.status_code
    assert fingerprint() == before
