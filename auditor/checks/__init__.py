"""Checks: one small module per check, each registering itself by name (see registry.py)."""

from auditor.checks import (  # noqa: F401  (imported to register the checks)
    ai_chat_disclosure,
    ai_image_alt,
    ai_image_label_adjacent,
    ai_label_first_exposure,
    ai_label_found,
    byline,
    consent_mode_defaults,
    cookie_implied_consent,
    cookie_legitimate_interest,
    cookie_no_accept,
    cookie_notice,
    cookie_policy_link,
    cookie_prechecked,
    cookie_purposes,
    cookie_purposes_vs_trackers,
    cookie_reject_first_layer,
    cookie_reject_prominence,
    machine_mark_visible,
    machine_signal_valid,
    main_content_undisclosed,
    provenance_c2pa_valid,
    provenance_label_without_mark,
    provenance_mark_malformed,
    provenance_mark_without_label,
    provenance_marks_agree,
    provenance_marks_stripped,
    publication_date,
    teaser_article_consistency,
    trackers_before_consent,
    visible_label_machine_mark,
)
from auditor.checks.registry import CHECKS, SITE_CHECKS, Finding

__all__ = ["CHECKS", "SITE_CHECKS", "Finding"]
