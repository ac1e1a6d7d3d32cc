"""Interpretations of page facts that several checks share, computed once per page."""
