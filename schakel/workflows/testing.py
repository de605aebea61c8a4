"""Test helpers of the workflows app (also used by the signals tests)."""

from __future__ import annotations


def seed_minimal() -> None:
    """Organisations, roles, demo personas and the shipped processes only:
    faster than the full ``seeded`` fixture and independent of other apps' demos."""
    from schakel.accounts import seeding as accounts_seeding
    from schakel.core.seeding import load_roles

    from . import seeding

    quiet = lambda msg: None  # noqa: E731
    accounts_seeding.load_reference(quiet)
    seeding.load_reference(quiet)
    load_roles(quiet)
    accounts_seeding.load_demo(quiet)
