"""Test configuration: a non-interactive matplotlib backend and hypothesis profiles.

``ci`` (the default) is bounded and derandomized; the command-line fuzz
(tests/cli/test_fuzz.py) draws three times its ``max_examples``, or
``ROSCA_FUZZ_EXAMPLES`` when set, for a longer hunt on demand.
"""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "dev", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
