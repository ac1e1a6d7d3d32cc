"""Reporters: views of the SiteReport / IndexReport models; they read results and nothing else."""
