"""The vendors whose specs this project curates, and where their files live."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["PROJECT_ROOT", "VENDORS", "WEBHOOKS", "SchemaFile", "Vendor", "WebhookSchemas", "get_vendor"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class _Curated:
    """A curated document's two sources in ``spec_dir``: as documented, and the fixes made to it."""

    @property
    def spec_dir(self) -> Path:
        raise NotImplementedError

    @property
    def upstream(self) -> Path:
        return self.spec_dir / "upstream.yaml"

    @property
    def fixes(self) -> Path:
        return self.spec_dir / "fixes.yaml"


@dataclass(frozen=True)
class Vendor(_Curated):
    """One API: its spec folder, the generator config and the generated package name."""

    name: str
    package: str
    root: Path = field(default=PROJECT_ROOT, compare=False)

    @property
    def spec_dir(self) -> Path:
        return self.root / "spec" / self.name

    @property
    def curated(self) -> Path:
        return self.spec_dir / "openapi.yaml"

    @property
    def docs_sources(self) -> Path:
        """The documentation pages the spec is built from: one URL (or path) per line, ``#`` comments."""
        return self.spec_dir / "docs-sources.txt"

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


@dataclass(frozen=True)
class SchemaFile:
    """One curated JSON Schema file: its name (``<name>.json``), what it holds, and the definitions it owns."""

    name: str
    title: str
    description: str
    definitions: tuple[str, ...]


@dataclass(frozen=True)
class WebhookSchemas(_Curated):
    """A vendor's webhook payloads: JSON Schemas curated like its API spec, and the models generated from them.

    ``upstream.yaml`` (one JSON Schema 2020-12 document, the payloads as documented) plus ``fixes.yaml``
    (an Overlay) build into one JSON file per entry of ``files``, each holding the definitions it names;
    references between files are relative (``common.json#/$defs/User``).
    """

    vendor: str
    package: str
    files: tuple[SchemaFile, ...]
    root: Path = field(default=PROJECT_ROOT, compare=False)

    @property
    def spec_dir(self) -> Path:
        return self.root / "spec" / self.vendor / "webhooks"

    def output(self, schema_file: SchemaFile) -> Path:
        return self.spec_dir / f"{schema_file.name}.json"

    @property
    def outputs(self) -> list[Path]:
        return [self.output(f) for f in self.files]

    @property
    def generated_dir(self) -> Path:
        return self.root / "generated" / self.package


WEBHOOKS: dict[str, WebhookSchemas] = {
    "amplemarket": WebhookSchemas(
        vendor="amplemarket",
        package="amplemarket_webhooks",
        files=(
            SchemaFile(
                "common",
                "Amplemarket webhooks: shared definitions",
                "Objects that more than one kind of webhook payload carries.",
                (
                    "User",
                    "Sender",
                    "DynamicFields",
                    "Sequence",
                    "SequenceStage",
                    "ReplySequence",
                    "ReplySequenceStage",
                    "Contact",
                    "LinkedInActivity",
                    "CallActivity",
                    "TaskActivity",
                ),
            ),
            SchemaFile(
                "replies",
                "Amplemarket webhooks: replies",
                "Payloads of the JSON data integration for a reply from a prospect (is_reply is true).",
                ("EmailReply", "LinkedInReply", "ReplySequenceReply"),
            ),
            SchemaFile(
                "sequence_stage",
                "Amplemarket webhooks: sequence stages",
                "Payloads of the JSON data integration for a sequence or reply-sequence stage that ran "
                "(is_reply is false).",
                ("EmailStage", "LinkedInStage", "CallStage", "GenericTaskStage", "ReplySequenceEmailStage"),
            ),
            SchemaFile(
                "workflow",
                "Amplemarket webhooks: workflow actions",
                'Payloads of a workflow\'s "Send JSON to endpoint" action for a tagged reply.',
                (
                    "EmailMessage",
                    "WorkflowSequenceStage",
                    "WorkflowSequence",
                    "WorkflowUser",
                    "Lead",
                    "OutOfOfficeInfo",
                    "FollowUpInfo",
                    "NotTheRightPersonInfo",
                    "WorkflowReply",
                    "OutOfOfficeWorkflow",
                    "FollowUpWorkflow",
                    "NotTheRightPersonWorkflow",
                ),
            ),
        ),
    ),
}
