"""Build the curated webhook JSON Schemas: upstream + fixes (an Overlay), split into files, validated.

``spec/<vendor>/webhooks/upstream.yaml`` is one JSON Schema 2020-12 document whose ``$defs``
describe the payloads as documented; ``fixes.yaml`` corrects it with the same Overlay machinery
as the API spec (``generator.overlay``).  The result is written as one JSON file per entry of
``WebhookSchemas.files`` (``common.json``, ``replies.json``, ...), each holding the definitions it
names; a reference to a definition of another file becomes a relative ``<file>.json#/$defs/<Name>``.

The build fails, naming the file, the action or the location, when

* ``upstream.yaml`` or a curated file is not a valid JSON Schema 2020-12 document,
* ``fixes.yaml`` breaks the house rules or an action's target matches nothing,
* a definition is missing from the file layout, or the layout names one that does not exist,
* a ``$ref`` points at nothing,
* an ``examples`` entry does not validate against the schema it illustrates.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import referencing
import referencing.exceptions
import referencing.jsonschema

from ._yamlio import load_document
from .build import SpecBuildError, curate, touching
from .overlay import ActionReport, pointer_to_jsonpath
from .vendors import SchemaFile, WebhookSchemas

__all__ = ["WebhookBuildResult", "build_webhook_schemas", "schema_text", "stale_webhook_schemas"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
BUILT_COMMENT = (
    "Built by `make spec` from upstream.yaml with the fixes in fixes.yaml applied. "
    "Do not edit by hand; change fixes.yaml (or upstream.yaml) and rebuild."
)
_DEFS_REF = "#/$defs/"


@dataclass
class WebhookBuildResult:
    """The curated schema files (file name -> document) and what went into them."""

    documents: dict[str, dict[str, Any]]
    reports: list[ActionReport]
    examples: int = 0
    definitions: int = 0
    files: list[SchemaFile] = field(default_factory=list)


def schema_text(document: dict[str, Any]) -> str:
    """The committed form of a curated schema file: stable, indented JSON with a final newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _rel(spec: WebhookSchemas, path: Path) -> str:
    try:
        return path.relative_to(spec.root).as_posix()
    except ValueError:
        return path.as_posix()


def _schema_errors(document: Any) -> list[str]:
    """Problems that make ``document`` an invalid JSON Schema 2020-12 document (empty if valid)."""
    if not isinstance(document, dict):
        return ["$: a schema document must be an object"]
    if document.get("$schema") != DIALECT:
        return [f"$['$schema']: expected {DIALECT!r}, got {document.get('$schema')!r}"]
    validator = jsonschema.Draft202012Validator(jsonschema.Draft202012Validator.META_SCHEMA)
    return [
        f"{pointer_to_jsonpath(list(error.absolute_path))}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    ]


def _refs(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every ``$ref`` under ``node`` (not inside ``examples``, which are data), with its location."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield path, value
            elif key not in {"examples", "const", "default", "enum"}:
                yield from _refs(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _refs(value, (*path, index))


def _rewrite_refs(node: Any, owner: dict[str, str], here: str) -> Any:
    """A copy of ``node`` whose ``#/$defs/X`` references point into the file that owns ``X``."""
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(_DEFS_REF):
                name = value[len(_DEFS_REF) :].split("/", 1)[0]
                target = owner.get(name)
                out[key] = value if target in (None, here) else f"{target}.json{value}"
            elif key in {"examples", "const", "default", "enum"}:
                out[key] = value
            else:
                out[key] = _rewrite_refs(value, owner, here)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(value, owner, here) for value in node]
    return node


def _split(spec: WebhookSchemas, curated: dict[str, Any]) -> dict[str, dict[str, Any]]:
    definitions: dict[str, Any] = curated.get("$defs") or {}
    owner: dict[str, str] = {}
    problems: list[str] = []
    for schema_file in spec.files:
        for name in schema_file.definitions:
            if name in owner:
                problems.append(f"{name} is placed in both {owner[name]}.json and {schema_file.name}.json")
            owner[name] = schema_file.name
            if name not in definitions:
                problems.append(f"{schema_file.name}.json lists {name}, which the curated schema does not define")
    problems += [
        f"$['$defs']['{name}'] belongs to no file: add it to WebhookSchemas.files in generator/vendors.py"
        for name in definitions
        if name not in owner
    ]
    if problems:
        raise SpecBuildError(
            "the webhook schema file layout does not fit the curated schema:\n  " + "\n  ".join(problems)
        )
    documents: dict[str, dict[str, Any]] = {}
    for schema_file in spec.files:
        documents[f"{schema_file.name}.json"] = {
            "$schema": DIALECT,
            "$comment": BUILT_COMMENT,
            "title": schema_file.title,
            "description": schema_file.description,
            "$defs": {
                name: _rewrite_refs(definitions[name], owner, schema_file.name) for name in schema_file.definitions
            },
        }
    return documents


def _registry(documents: dict[str, dict[str, Any]]) -> referencing.Registry[Any]:
    resources = [
        (name, referencing.Resource.from_contents(document, default_specification=referencing.jsonschema.DRAFT202012))
        for name, document in documents.items()
    ]
    registry: referencing.Registry[Any] = referencing.Registry().with_resources(resources)
    return registry


def _dangling_refs(documents: dict[str, dict[str, Any]], registry: referencing.Registry[Any]) -> list[str]:
    problems = []
    for name, document in documents.items():
        resolver = registry.resolver(base_uri=name)
        for path, ref in _refs(document):
            try:
                resolver.lookup(ref)
            except referencing.exceptions.Unresolvable as exc:
                problems.append(f"{name}#{pointer_to_jsonpath(path)[1:]}: $ref {ref!r} points at nothing ({exc})")
    return problems


def _check_examples(
    documents: dict[str, dict[str, Any]], registry: referencing.Registry[Any], reports: list[ActionReport]
) -> tuple[int, list[str]]:
    count = 0
    problems = []
    for file_name, document in documents.items():
        for def_name, schema in document["$defs"].items():
            for index, example in enumerate(schema.get("examples") or []):
                count += 1
                validator = jsonschema.Draft202012Validator(
                    {"$ref": f"{file_name}#/$defs/{def_name}"}, registry=registry
                )
                errors = sorted(validator.iter_errors(example), key=lambda e: [str(p) for p in e.absolute_path])
                if not errors:
                    continue
                culprits = touching(reports, f"$['$defs']['{def_name}']")
                origin = f"changed by action {', '.join(culprits)}" if culprits else "as in upstream.yaml"
                for error in errors[:5]:
                    problems.append(
                        f"{file_name}#/$defs/{def_name}/examples/{index} at "
                        f"{pointer_to_jsonpath(list(error.absolute_path))}: {error.message} ({origin})"
                    )
    return count, problems


def build_webhook_schemas(spec: WebhookSchemas, *, write: bool = False) -> WebhookBuildResult:
    """Apply the fixes, split into files, validate; write the files when ``write``.  Raises ``SpecBuildError``."""
    curated, reports = curate(
        load_document(spec.upstream),
        load_document(spec.fixes),
        errors_of=_schema_errors,
        kind="JSON Schema 2020-12 document",
        upstream_name=_rel(spec, spec.upstream),
        fixes_name=_rel(spec, spec.fixes),
        curated_name="the curated webhook schema",
    )
    documents = _split(spec, curated)
    for name, document in documents.items():
        problems = _schema_errors(document)
        if problems:
            raise SpecBuildError(
                f"{name} is not a valid JSON Schema 2020-12 document:\n  " + "\n  ".join(problems[:20])
            )
    registry = _registry(documents)
    problems = _dangling_refs(documents, registry)
    if problems:
        raise SpecBuildError("unresolvable references in the curated webhook schemas:\n  " + "\n  ".join(problems))
    examples, problems = _check_examples(documents, registry, reports)
    if problems:
        raise SpecBuildError(
            f"{len(problems)} problem(s): examples in the curated webhook schemas contradict their schema:\n  "
            + "\n  ".join(problems)
        )
    if write:
        spec.spec_dir.mkdir(parents=True, exist_ok=True)
        for schema_file in spec.files:
            spec.output(schema_file).write_text(schema_text(documents[f"{schema_file.name}.json"]), encoding="utf-8")
    return WebhookBuildResult(
        documents,
        reports,
        examples=examples,
        definitions=sum(len(f.definitions) for f in spec.files),
        files=list(spec.files),
    )


def stale_webhook_schemas(spec: WebhookSchemas) -> tuple[WebhookBuildResult, list[str]]:
    """Build without writing; list the committed files that differ from the build (or are missing)."""
    result = build_webhook_schemas(spec, write=False)
    stale = []
    for schema_file in spec.files:
        path = spec.output(schema_file)
        committed = path.read_text(encoding="utf-8") if path.exists() else None
        if committed != schema_text(result.documents[f"{schema_file.name}.json"]):
            stale.append(_rel(spec, path) + (" (missing)" if committed is None else ""))
    return result, stale
