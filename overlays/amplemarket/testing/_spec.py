"""The curated spec the simulator validates against.

Installed packages carry it as ``amplemarket/testing/openapi.yaml`` (see pyproject's
force-include); in a checkout it is read from ``spec/amplemarket/openapi.yaml``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

__all__ = ["load_spec", "spec_text"]


@cache
def spec_text() -> str:
    packaged = resources.files(__package__ or "amplemarket.testing").joinpath("openapi.yaml")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "spec" / "amplemarket" / "openapi.yaml"
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise FileNotFoundError("the curated spec (openapi.yaml) is neither packaged nor in a checkout")


class _JSONLoader(yaml.SafeLoader):
    """Scalars as JSON would read them: timestamps stay strings."""


_JSONLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@cache
def load_spec() -> dict[str, Any]:
    document: dict[str, Any] = yaml.load(spec_text(), Loader=_JSONLoader)  # noqa: S506 - a SafeLoader
    return document
