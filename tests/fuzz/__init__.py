"""Property-based fuzzing of every place where hostile bytes enter auditor (issue 11, item 1).

Hypothesis builds inputs from small grammars (tag soups, text pages, JSON, images, WARC files,
TOML, date strings) and each test asserts the contract of a run over a million hostile pages:
every input ends as findings or as a reported input error, never an uncaught exception, never a
hang. Profiles are in `conftest.py` (`ci`, the default, and `long`: `HYPOTHESIS_PROFILE=long`).
Every input that once failed is kept under `regressions/<area>/` and replayed by
`test_fuzz_regressions.py`.
"""
