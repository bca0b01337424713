from __future__ import annotations

import os

import pytest
from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.test import Client

from tests.factories import PASSWORD, PersonFactory, UserFactory
from tests.fakegithub.server import FakeGitHub
from tests.oncall.conftest import team  # noqa: F401 - the on-call team, for the cross-app tests

# Playwright's sync API runs an event loop in the test thread; Django's ORM must be
# allowed to run there for live_server tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _mirror_written(sender, **kwargs) -> None:
    from fleetops.github import stamp

    stamp.stamp_move()


@pytest.fixture(autouse=True)
def mirror_writes_move_the_stamp():
    """Tests write the mirror with the ORM; in production every writer moves the stamp.

    The sync, webhooks and boards services call `mirror_changed()` (after their commit,
    `fleetops/github/stamp.py`); a test that creates an issue or adds a label with the ORM
    moves it here, at once, so that what pages store per stamp (`MirrorSummary`) is
    recomputed as it would be after a real write.
    """
    from fleetops.github.models import MirrorStamp, MirrorSummary, SyncRun

    quiet = {MirrorStamp, MirrorSummary, SyncRun}
    models = [m for m in apps.get_app_config("mirror").get_models() if m not in quiet]
    through = [f.remote_field.through for m in models for f in m._meta.local_many_to_many]
    uid = "tests-mirror-stamp"
    for model in models:
        post_save.connect(_mirror_written, sender=model, dispatch_uid=f"{uid}-save-{model}")
        post_delete.connect(_mirror_written, sender=model, dispatch_uid=f"{uid}-del-{model}")
    for model in through:
        m2m_changed.connect(_mirror_written, sender=model, dispatch_uid=f"{uid}-m2m-{model}")
    yield
    for model in models:
        post_save.disconnect(sender=model, dispatch_uid=f"{uid}-save-{model}")
        post_delete.disconnect(sender=model, dispatch_uid=f"{uid}-del-{model}")
    for model in through:
        m2m_changed.disconnect(sender=model, dispatch_uid=f"{uid}-m2m-{model}")


@pytest.fixture(autouse=True)
def summaries_refresh_off(request, monkeypatch):
    """Mirror writes queue no refresh task, except in tests that say so (or run a worker).

    A task sent outside `tests.worker.celery_worker()` would fix Celery's routing on the
    default queue, which the test worker does not consume.
    """
    if request.node.get_closest_marker("worker") or request.node.get_closest_marker(
        "summaries_refresh"
    ):
        return
    monkeypatch.setattr("fleetops.github.summaries.summaries_refresh_soon", lambda: None)


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def person(db):
    return PersonFactory(user__username="casey", name="Casey Engineer", github_login="casey")


@pytest.fixture
def user(person):
    return person.user


@pytest.fixture
def staff_user(db):
    return UserFactory(username="staff", is_staff=True)


@pytest.fixture
def auth_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def hx() -> dict[str, str]:
    """Headers of an htmx request (django-htmx reads HX-Request and HX-Current-URL)."""
    return {"HX-Request": "true", "HX-Current-URL": "http://testserver/releases/"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded browser."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (make test does it)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def fake_github(settings):
    """A fake GitHub on loopback, loaded with the fixture repository, and the app pointed at it."""
    with FakeGitHub() as fake:
        fake.load_fixtures()
        settings.GITHUB_API_URL = fake.url
        settings.GITHUB_TOKEN = "test-token-not-a-secret"
        settings.GITHUB_REPOSITORY = "fleetdm/fleet"
        yield fake
