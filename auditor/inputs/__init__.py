"""Input sources: they yield raw pages (bytes plus where they came from)."""
