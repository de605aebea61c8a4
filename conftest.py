"""Project-wide pytest configuration: a run that executes no test fails."""

import pytest


def pytest_sessionfinish(session, exitstatus):
    # pytest exits with 5 when nothing ran; keep it failing, and also fail a
    # run that collected tests but skipped every one of them.
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    passed = len(reporter.stats.get("passed", []))
    failed = len(reporter.stats.get("failed", [])) + len(reporter.stats.get("error", []))
    if passed == 0 and failed == 0 and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.NO_TESTS_COLLECTED


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is slow by design; tests that are about hashing re-enable it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _dutch_by_default(settings):
    """A request that switched language must not leak into the next test."""
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def seeded(db):
    """Reference data and the demo (organisations, roles, personas, app demos)."""
    from schakel.core.seeding import load_all

    load_all(demo=True, out=lambda msg: None)


@pytest.fixture
def persona_client(client, seeded):
    """persona_client("coordinator") -> a test client signed in as that demo persona."""
    from schakel.core.testing import persona_user

    def _login(persona: str):
        client.force_login(persona_user(persona))
        return client

    return _login


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path_factory):
    """Uploads made by tests (attachments, photos) go to a folder of their
    own, never into the developer's var/media. The storage follows the
    setting (Django resets it on setting_changed)."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _empty_cache():
    """The API's rate-limit counts live in the cache: each test starts at zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
