"""Hypothesis profiles for the fuzz tests.

- `ci` (the default): few examples per test, no deadline (CI machines are slow and shared), a
  fixed seed so that a CI run is reproducible; the whole fuzz suite stays well under a minute.
- `long`: for a local hunt, `HYPOTHESIS_PROFILE=long pytest tests/fuzz` (thousands of examples
  per test, random seeds, failures kept in the local example database).
- `smoke`: a handful of examples, to check that the tests still run.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
            HealthCheck.large_base_example]

settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True, database=None,
                          suppress_health_check=_SLOW_OK, print_blob=True)
settings.register_profile("long", max_examples=3000, deadline=None, suppress_health_check=_SLOW_OK,
                          print_blob=True)
settings.register_profile("smoke", max_examples=5, deadline=None, derandomize=True, database=None,
                          suppress_health_check=_SLOW_OK, phases=[Phase.explicit, Phase.generate])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
