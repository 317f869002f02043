"""Test-wide settings: Hypothesis profiles ``dev`` and ``ci`` (picked by HYPOTHESIS_PROFILE;
with CI set, Hypothesis already loads its ``ci`` profile, which we extend)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

from tests.standin import standin, standin_server  # noqa: F401  (the Convex stand-in, for any suite)

settings.register_profile(
    "ci", parent=settings.get_profile("ci"), max_examples=100,
    suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])

if os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])
elif os.environ.get("CI"):
    settings.load_profile("ci")
else:
    settings.load_profile("dev")
