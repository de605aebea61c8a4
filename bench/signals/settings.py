"""Settings for the signals benchmark server: the project's settings plus one
extra URL, the bare JSON view used as the baseline."""

from schakel.settings import *  # noqa: F403

ROOT_URLCONF = "bench.signals.urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
