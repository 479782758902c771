"""The curated spec the simulator validates against.

Installed packages carry it as ``amplemarket/testing/openapi.yaml`` (see pyproject's
force-include); in a checkout it is read from ``spec/amplemarket/openapi.yaml``.
"""

from __future__ import annotations

from typing import Any

from apicore.simulation import packaged_spec

__all__ = ["load_spec"]


def load_spec() -> dict[str, Any]:
    return packaged_spec(__package__ or "amplemarket.testing", "amplemarket")
