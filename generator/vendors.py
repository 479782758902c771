"""The vendors whose specs this project curates, and where their files live."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["PROJECT_ROOT", "VENDORS", "Vendor", "get_vendor"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Vendor:
    """One API: its spec folder, the generator config and the generated package name."""

    name: str
    package: str
    root: Path = field(default=PROJECT_ROOT, compare=False)

    @property
    def spec_dir(self) -> Path:
        return self.root / "spec" / self.name

    @property
    def upstream(self) -> Path:
        return self.spec_dir / "upstream.yaml"

    @property
    def fixes(self) -> Path:
        return self.spec_dir / "fixes.yaml"

    @property
    def curated(self) -> Path:
        return self.spec_dir / "openapi.yaml"

    @property
    def config(self) -> Path:
        return self.root / "generator" / "config" / f"{self.name}.yaml"

    @property
    def generated_dir(self) -> Path:
        return self.root / "generated" / self.package


VENDORS: dict[str, Vendor] = {
    "amplemarket": Vendor(name="amplemarket", package="amplemarket_api"),
    "apollo": Vendor(name="apollo", package="apollo_api"),
}


def get_vendor(name: str) -> Vendor:
    try:
        return VENDORS[name]
    except KeyError:
        known = ", ".join(sorted(VENDORS))
        raise SystemExit(f"unknown vendor {name!r} (known: {known})") from None
