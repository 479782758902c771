"""The rule families, one module each; importing this package registers every rule."""

from __future__ import annotations

from . import components, endpoints, parameters, request_body, responses, schemas, security

__all__ = ["components", "endpoints", "parameters", "request_body", "responses", "schemas", "security"]
