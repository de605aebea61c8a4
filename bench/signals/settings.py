"""Settings for the signals benchmark server: the project's settings plus one
extra URL, the bare JSON view used as the baseline."""

from schakel.settings import *  # noqa: F403

ROOT_URLCONF = "bench.signals.urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# The benchmark measures what one worker can take in, from one signed-in
# client; the per-user rate limit (600/min) would cap it at 10 intakes a
# second. The throttle itself still runs (and costs) on every request.
_rates = {**REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "1000000/min"}  # noqa: F405
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": _rates}  # noqa: F405
