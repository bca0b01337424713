from __future__ import annotations

import pytest

from tests.fakegithub.server import FakeGitHub


@pytest.fixture
def fake_github(settings):
    """A fake GitHub on loopback, loaded with the fixture repository, and the app pointed at it."""
    with FakeGitHub() as fake:
        fake.load_fixtures()
        settings.GITHUB_API_URL = fake.url
        settings.GITHUB_TOKEN = "test-token-not-a-secret"
        settings.GITHUB_REPOSITORY = "fleetdm/fleet"
        yield fake
