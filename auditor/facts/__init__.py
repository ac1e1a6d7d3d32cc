"""Page facts: one parse per page, then only these typed records (see model.py)."""
