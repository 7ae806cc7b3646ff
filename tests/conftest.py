"""Shared test settings.

``HYPOTHESIS_EXAMPLES=N`` sets the examples of the tests that use :func:`examples`.

Hypothesis profiles: ``ci`` (the default, sized to keep `make test` inside its
time budget) and ``thorough`` (long runs outside CI):
``HYPOTHESIS_PROFILE=thorough .venv/bin/python -m pytest tests``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", deadline=None, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough", deadline=None, max_examples=5_000, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def examples(ci: int) -> int:
    """``ci`` examples under the CI profile; the profile's own (larger) number otherwise."""
    if os.environ.get("HYPOTHESIS_EXAMPLES"):
        return int(os.environ["HYPOTHESIS_EXAMPLES"])
    return ci if settings.default.max_examples < 1_000 else settings.default.max_examples
