"""auditor: audits web pages for AI-content labelling, provenance, cookie consent and attribution."""

__version__ = "0.1.0"
