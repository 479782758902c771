"""A difference between the documentation and a spec, and the edit that would resolve it."""

from __future__ import annotations

from dataclasses import dataclass, field

from .edits import Edit

__all__ = ["Finding"]


@dataclass(frozen=True)
class Finding:
    """One difference between docs and spec, tied to an operation (``GET /x``) or a schema."""

    kind: str
    message: str
    page: str
    operation: str | None = None
    schema: str | None = None
    #: What the finding is about within its group (a field, parameter, enum value...), so that the same
    #: difference found in two specs compares equal although the messages name different specs.
    subject: str = ""
    #: The JSON Patch operations that make the spec say what the documentation says (empty: none known).
    edits: tuple[Edit, ...] = field(default=(), compare=False)
    #: The ``x-id`` of the fix (``fixes.yaml``) that makes the curated spec differ here on purpose.
    curated_by: str | None = field(default=None, compare=False)

    @property
    def key(self) -> tuple[str, str, str]:
        """What identifies the difference across specs: its kind, group and subject."""
        return (self.kind, self.group, self.subject)

    @property
    def group(self) -> str:
        """``operation GET /x``, ``schema name``, or ``API`` for what concerns the whole API (its limits)."""
        if self.operation:
            return f"operation {self.operation}"
        return f"schema {self.schema}" if self.schema else "API"

    def __str__(self) -> str:
        return f"{self.group}: {self.kind}: {self.message} ({self.page or 'no page'})"
