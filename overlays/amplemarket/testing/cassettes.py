"""Cassette scrubbing for recordings of this API: the core's, with its Bearer key redacted."""

from __future__ import annotations

from apicore.cassettes import (
    PERSONAL_KEYS,
    RECORDED_AGAINST,
    REDACTED_AUTHORIZATION,
    fake_email,
    scrub_text,
    scrub_value,
    vcr_config,
)

__all__ = [
    "PERSONAL_KEYS",
    "RECORDED_AGAINST",
    "REDACTED_AUTHORIZATION",
    "fake_email",
    "scrub_text",
    "scrub_value",
    "vcr_config",
]
