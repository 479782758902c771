"""Drift: where a spec and the vendor's documentation no longer say the same thing.

Every documented fact counts (not only the one harvest keeps), so a field listed on any page
is "documented".  Each :class:`Finding` has a stable kebab-case ``kind`` from ``FINDING_KINDS``,
belongs to one operation or one schema, and names the documentation page it comes from.

Two choices keep the report free of noise:

* ``operation-no-longer-documented`` is only reported when the docs claim to list every
  operation (they include a whole OpenAPI document or an ``llms-full.txt``-style operation
  index).  A folder of a few Markdown pages says nothing about the operations it lacks.
* ``parameter-no-longer-documented`` is only reported for operations the docs describe
  exhaustively (an OpenAPI operation or a parameter table); a guide's example request shows
  only the parameters it happens to use.  ``field-no-longer-documented`` is always reported:
  field tables and schemas list the whole object.

Tables are matched to schemas by heading convention (``Person Object`` ->
``response_person_object``) or by an ``x-doc-object: Person`` extension on a spec schema (a
string or a list of strings; matched against the object name or the table heading).  Objects
that match no schema are listed as notes, not findings.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..overlay import ActionReport, pointer_to_jsonpath
from ._facts import (
    KIND_LABELS,
    LENIENT_RESPONSE,
    RANK,
    DocExample,
    DocField,
    DocObject,
    DocOperation,
    DocParameter,
    Facts,
    OperationKey,
    collect,
    operation_id,
)
from ._limits import LIMIT_FINDING_KINDS, compare_limits
from ._markdown import METHODS
from ._schemas import as_dict, as_list, coarse_type, compatible, example_problem, pointer, resolve, snake
from ._specview import SpecOperation, SpecView, own_words
from .edits import Edit, split_pointer
from .findings import Finding
from .model import DocSet

__all__ = ["FINDING_KINDS", "DriftReport", "Finding", "drift", "drift_report", "explain", "render"]

FINDING_KINDS: dict[str, str] = {
    "operation-undocumented-in-spec": "a documented operation (method and path) is missing from the spec",
    "operation-no-longer-documented": "an operation of the spec is on no documentation page (docs that list every "
    "operation only)",
    "parameter-missing-from-spec": "a documented parameter or request-body property is not declared by the spec",
    "parameter-no-longer-documented": "a parameter of the spec is not among an operation's documented parameters",
    "parameter-type-mismatch": "a parameter is documented with another type than the spec gives it",
    "field-missing-from-spec": "a field of a documented object is absent from the schema it maps to",
    "field-no-longer-documented": "a property of a schema is listed by none of the docs that describe its object "
    "(tables, schemas or examples; a property whose x-source names other evidence is not expected there)",
    "field-type-mismatch": "a field is documented with another type than the schema gives it",
    "enum-value-missing-from-spec": "a value documented for an enumerated field or parameter is not in the spec's enum",
    "enum-value-no-longer-documented": "a value of a spec enum is listed by none of the docs that enumerate the member",
    "example-contradicts-spec": "a documented response example does not validate against the spec's response "
    "(an example the spec keeps verbatim is the docs' own contradiction, not drift)",
    **LIMIT_FINDING_KINDS,
}


@dataclass
class DriftReport:
    """Findings against one spec, plus notes on documented objects that could not be compared."""

    spec_name: str
    source: str
    findings: list[Finding]
    notes: list[str] = field(default_factory=list)

    @property
    def drift(self) -> list[Finding]:
        """The findings no fix explains."""
        return [finding for finding in self.findings if not finding.curated_by]


def drift(docs: DocSet, spec: dict[str, Any], *, spec_name: str) -> list[Finding]:
    """Every way ``spec`` differs from ``docs`` (see the module docstring for what is reported when)."""
    return drift_report(docs, spec, spec_name=spec_name).findings


def drift_report(docs: DocSet, spec: dict[str, Any], *, spec_name: str) -> DriftReport:
    """:func:`drift` with the notes the command line prints beside the findings."""
    return _Drift(docs, spec, spec_name).run()


def explain(curated: DriftReport, upstream: DriftReport, reports: Sequence[ActionReport]) -> DriftReport:
    """``curated`` with every finding that a fix explains marked ``curated_by`` that fix's ``x-id``.

    A difference the curated spec has and the upstream spec (the transcription) does not was made
    by the fixes applied in between: the ones whose changed locations overlap the finding's.
    """
    drifted = {finding.key for finding in upstream.findings}
    marked = []
    for finding in curated.findings:
        culprits = [] if finding.key in drifted else _touching(reports, _location(finding))
        marked.append(replace(finding, curated_by=", ".join(culprits)) if culprits else finding)
    return replace(curated, findings=marked)


def render(report: DriftReport) -> str:
    """The drift grouped per operation and per schema, the curated differences, then a one-line summary."""
    lines = [f"{report.spec_name}: compared with {report.source}"]
    current = None
    drifted = report.drift
    for finding in drifted:
        if finding.group != current:
            current = finding.group
            lines.append(f"  {current}")
        lines.append(f"    {finding.kind}: {finding.message} [{finding.page or 'no page'}]")
    curated = [finding for finding in report.findings if finding.curated_by]
    if curated:
        explained = dict.fromkeys(
            f"    {finding.group}: {finding.kind} {finding.subject}: curated by `{finding.curated_by}`"
            for finding in curated
        )
        lines.append(f"  curated on purpose ({len(explained)}; not drift):")
        lines += explained
    for note in report.notes:
        lines.append(f"  note: {note}")
    counts: dict[str, int] = defaultdict(int)
    for finding in drifted:
        counts[finding.kind] += 1
    groups = {finding.group for finding in drifted}
    operations = sum(1 for group in groups if group.startswith("operation "))
    if drifted:
        by_kind = ", ".join(f"{kind} {counts[kind]}" for kind in FINDING_KINDS if counts[kind])
        lines.append(
            f"  summary: {len(drifted)} findings in {operations} operations and "
            f"{len(groups) - operations} schemas ({by_kind})"
        )
    else:
        lines.append("  summary: no drift" + (f" ({len(explained)} differences curated on purpose)" if curated else ""))
    return "\n".join(lines) + "\n"


def _location(finding: Finding) -> str:
    """Where a finding is, as the JSONPath the overlay reports use."""
    if finding.edits:
        parts: list[Any] = split_pointer(finding.edits[0].pointer)
        if len(parts) > 1 and parts[-2] == "examples":
            parts = parts[:-1]  # a new example: the fixes that rewrote the examples beside it
    elif finding.operation:
        method, _, path = finding.operation.partition(" ")
        parts = ["paths", path, method.lower()]
    else:
        parts = ["components", "schemas", finding.schema or ""]
    if parts and parts[-1] == "-":
        parts = parts[:-1]
    return pointer_to_jsonpath([int(part) if str(part).isdigit() else part for part in parts])


def _touching(reports: Sequence[ActionReport], location: str) -> list[str]:
    """The fixes whose changes overlap ``location`` (keys that look like indices compare either way)."""
    location = _DIGIT_KEY.sub(r"[\1]", location)
    found = []
    for report in reports:
        places = [_DIGIT_KEY.sub(r"[\1]", place) for place in report.changes]
        if any(location.startswith(place) or place.startswith(location) for place in places):
            found.append(report.action_id)
    return found


_DIGIT_KEY = re.compile(r"\['(\d+)'\]")


# --------------------------------------------------------------------------- the comparison


def _label(kind: str) -> str:
    return KIND_LABELS[kind]


_TYPE_KEYS = {"type", "format", "items", "$ref", "properties", "additionalProperties", "allOf", "anyOf", "oneOf"}


class _Drift:
    def __init__(self, docs: DocSet, spec: dict[str, Any], spec_name: str) -> None:
        self.docs = docs
        self.spec = spec
        self.spec_name = spec_name
        self.view = SpecView(spec)
        self.operations = self.view.operations
        self.facts: Facts = collect(docs, templates=[op.path for op in self.operations.values()])
        self.findings: list[Finding] = []
        self.notes: list[str] = []
        self.shown: dict[str, set[str]] = {}  # component schema -> members shown by documented examples

    def run(self) -> DriftReport:
        self._compare_operations()
        self._compare_parameters()
        self._compare_examples()  # before objects: examples are evidence that a member is documented
        self._compare_objects()
        self.findings.extend(compare_limits(self.docs, self.spec, self.spec_name))
        unique = sorted(dict.fromkeys(self.findings), key=_order)
        return DriftReport(self.spec_name, self.docs.source, unique, sorted(set(self.notes)))

    def _add(
        self,
        kind: str,
        message: str,
        page: str,
        *edits: Edit,
        operation: str | None = None,
        schema: str | None = None,
        subject: str = "",
    ) -> None:
        self.findings.append(Finding(kind, message, page, operation, schema, subject, tuple(edits)))

    # ---------------------------------------------------------------- operations

    def _doc_operations(self) -> dict[OperationKey, list[DocOperation]]:
        grouped: dict[OperationKey, list[DocOperation]] = defaultdict(list)
        for op in sorted(self.facts.operations, key=lambda op: RANK[op.kind]):
            grouped[op.key].append(op)
        return grouped

    def _compare_operations(self) -> None:
        documented = self._doc_operations()
        for key, ops in documented.items():
            if key not in self.operations:
                first = ops[0]
                label = f"{first.method.upper()} {first.path}"
                self._add(
                    "operation-undocumented-in-spec",
                    f"documented ({_label(first.kind)}) but {self.spec_name} has no {label}",
                    first.page.url,
                    self._add_operation(first),
                    operation=label,
                )
        if not self.docs.lists_every_operation:
            return
        for key, op in self.operations.items():
            if key not in documented:
                self._add(
                    "operation-no-longer-documented",
                    f"{self.spec_name} has it, but no page of the documentation mentions it",
                    str(op.operation.get("x-doc-page") or ""),
                    self._remove_operation(op),
                    operation=op.label,
                )

    def _add_operation(self, doc: DocOperation) -> Edit:
        """A minimal operation for what the docs say of it (its parameters and examples follow in a later round)."""
        variables = [part[1:-1] for part in doc.path.split("/") if part.startswith("{") and part.endswith("}")]
        taken = {str(op.operation.get("operationId")) for op in self.operations.values()}
        identifier = operation_id(doc)
        if identifier in taken:
            identifier = f"{identifier}_{doc.method}"
        operation: dict[str, Any] = {
            "summary": doc.summary or doc.page.title,
            "description": "Listed in the documentation; not curated yet.",
            "operationId": identifier,
            "x-doc-page": doc.page.url,
            "x-confidence": "unverified",
        }
        tag = _tag_for(doc, self.spec)
        if tag:
            operation = {"tags": [tag], **operation}
        if variables:
            operation["parameters"] = [
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name in variables
            ]
        operation["responses"] = {"default": copy.deepcopy(LENIENT_RESPONSE)}
        summary = f"add operation {doc.method.upper()} {doc.path}"
        if doc.path in as_dict(self.spec.get("paths")):
            return Edit("add", pointer("paths", doc.path, doc.method), operation, summary)
        return Edit("add", pointer("paths", doc.path), {doc.method: operation}, summary)

    def _remove_operation(self, op: SpecOperation) -> Edit:
        item = as_dict(as_dict(self.spec.get("paths")).get(op.path))
        summary = f"remove operation {op.label}"
        if sum(1 for method in METHODS if method in item) == 1:
            return Edit("remove", pointer("paths", op.path), summary=summary)
        return Edit("remove", op.pointer, summary=summary)

    # ---------------------------------------------------------------- parameters

    def _compare_parameters(self) -> None:
        by_operation: dict[OperationKey, list[DocParameter]] = defaultdict(list)
        for parameter in sorted(self.facts.parameters, key=lambda p: RANK[p.kind]):
            by_operation[parameter.key].append(parameter)
        exhaustive_ops = {op.key: op for op in self.facts.operations if op.kind in {"spec", "fragment"}}
        for key, op in self.operations.items():
            documented = by_operation.get(key, [])
            reported: set[tuple[str, str]] = set()
            for parameter in documented:
                self._parameter(op, parameter, reported)
            self._parameter_enums(op, documented)
            exhaustive = next((p.page_url for p in documented if p.exhaustive), None)
            if exhaustive is None and key in exhaustive_ops:
                exhaustive = exhaustive_ops[key].page.url
            if exhaustive is None:
                continue
            names = {p.name for p in documented}
            for name, declared in op.parameters.items():
                if name not in names and declared.location != "path":
                    self._add(
                        "parameter-no-longer-documented",
                        f"{_where(declared.location)} {name} is declared by {self.spec_name} but not documented",
                        exhaustive,
                        *self._remove_member(
                            declared.pointer,
                            declared.holder,
                            name,
                            f"remove {_where(declared.location)} {name} of {op.label}",
                        ),
                        operation=op.label,
                        subject=name,
                    )

    def _parameter(self, op: SpecOperation, parameter: DocParameter, reported: set[tuple[str, str]]) -> None:
        where = _where(parameter.location)
        if parameter.name not in op.parameters:
            if (parameter.name, "missing") not in reported:
                reported.add((parameter.name, "missing"))
                self._add(
                    "parameter-missing-from-spec",
                    f"{where} {parameter.name} is documented ({_label(parameter.kind)}) but {self.spec_name} "
                    "does not declare it",
                    parameter.page_url,
                    self._add_parameter(op, parameter),
                    operation=op.label,
                    subject=parameter.name,
                )
            return
        if parameter.kind == "guide":  # types guessed from an example value are not evidence
            return
        declared = op.parameters[parameter.name]
        documented = coarse_type(parameter.schema, parameter.document)
        if documented is None or (parameter.name, "type") in reported:
            return
        reported.add((parameter.name, "type"))  # the best source that gives a type decides
        declared_type = coarse_type(declared.schema, self.spec)
        if not compatible(documented, declared_type):
            at = declared.pointer if declared.location == "body" else declared.pointer + "/schema"
            self._add(
                "parameter-type-mismatch",
                f"{parameter.name} is documented as {parameter.raw_type or documented} "
                f"({_label(parameter.kind)}) but {self.spec_name} says {declared_type}",
                parameter.page_url,
                self._retype(at, declared.schema, parameter.schema, f"{where} {parameter.name} of {op.label}"),
                operation=op.label,
                subject=parameter.name,
            )

    def _add_parameter(self, op: SpecOperation, parameter: DocParameter) -> Edit:
        schema = own_words(parameter.schema or {"type": "string"}, set(self.view.schemas))
        summary = f"add {_where(parameter.location)} {parameter.name} to {op.label}"
        if parameter.location == "body":
            if op.body is None:
                body = {
                    "content": {
                        "application/json": {"schema": {"type": "object", "properties": {parameter.name: schema}}}
                    }
                }
                return Edit("add", op.pointer + "/requestBody", body, summary)
            holder, at = op.body
            if isinstance(holder.get("properties"), dict):
                return Edit("add", at + pointer("properties", parameter.name), schema, summary)
            return Edit("add", at + "/properties", {parameter.name: schema}, summary)
        declared: dict[str, Any] = {"name": parameter.name, "in": parameter.location}
        if parameter.location == "path" or parameter.required:
            declared["required"] = True
        declared["schema"] = schema
        if isinstance(op.operation.get("parameters"), list):
            return Edit("add", op.pointer + "/parameters/-", declared, summary)
        return Edit("add", op.pointer + "/parameters", [declared], summary)

    def _parameter_enums(self, op: SpecOperation, documented: list[DocParameter]) -> None:
        sources: dict[str, list[tuple[Any, Any, str]]] = defaultdict(list)
        for parameter in documented:
            if parameter.name in op.parameters and parameter.kind != "guide":
                sources[parameter.name].append((parameter.schema, parameter.document, parameter.page_url))
        for name, found in sources.items():
            declared = op.parameters[name]
            at = declared.pointer if declared.location == "body" else declared.pointer + "/schema"
            self._enums(found, declared.schema, at, name, operation=op.label)

    # ---------------------------------------------------------------- enums

    def _enums(
        self, sources: list[tuple[Any, Any, str]], declared: Any, at: str, name: str, **group: str | None
    ) -> None:
        """Compare the enum lists that documentation sources give a member with the spec's."""
        spec_values = self._enum_at(declared, at)
        if spec_values is None:
            return
        values, enum_at = spec_values
        listed: list[Any] = []
        page = ""
        for schema, document, url in sources:
            doc_values = self._doc_enum(schema, document)
            if doc_values is None:
                continue
            page = page or url
            for value in doc_values:
                if value in listed:
                    continue  # reported for the best source that lists it
                listed.append(value)
                if value not in values:
                    self._add(
                        "enum-value-missing-from-spec",
                        f"{name} may be {value!r} in the documentation but {self.spec_name}'s enum lacks it",
                        url,
                        Edit("add", enum_at + "/-", value, f"add enum value {value!r} to {name}"),
                        subject=f"{name}={value!r}",
                        **group,
                    )
        if not page:
            return
        for index, value in enumerate(values):
            if value not in listed:
                self._add(
                    "enum-value-no-longer-documented",
                    f"{self.spec_name}'s enum for {name} has {value!r}, which no documentation lists",
                    page,
                    Edit("remove", f"{enum_at}/{index}", summary=f"remove enum value {value!r} from {name}"),
                    subject=f"{name}={value!r}",
                    **group,
                )

    def _enum_at(self, schema: Any, at: str) -> tuple[list[Any], str] | None:
        node, where = self.view.locate(schema, at)
        if isinstance(node, dict) and node.get("type") == "array" and isinstance(node.get("items"), dict):
            node, where = self.view.locate(node["items"], where + "/items")
        if isinstance(node, dict) and isinstance(node.get("enum"), list):
            return list(node["enum"]), where + "/enum"
        return None

    @staticmethod
    def _doc_enum(schema: Any, document: Any) -> list[Any] | None:
        node = resolve(document, schema) if document is not None else schema
        if isinstance(node, dict) and node.get("type") == "array":
            node = resolve(document, node.get("items")) if document is not None else node.get("items")
        if isinstance(node, dict) and isinstance(node.get("enum"), list):
            return list(node["enum"])
        return None

    # ---------------------------------------------------------------- objects

    def _targets(self) -> dict[str, str]:
        """``x-doc-object`` labels of the spec's schemas, normalised, to schema names."""
        labels: dict[str, str] = {}
        for name, schema in self.view.schemas.items():
            label = as_dict(schema).get("x-doc-object")
            for value in label if isinstance(label, list) else [label]:
                if isinstance(value, str):
                    labels.setdefault(_normal(value), str(name))
        return labels

    def _target(self, obj: DocObject, labels: dict[str, str], schemas: dict[str, Any]) -> str | None:
        for label in (obj.object_name, obj.heading if obj.kind == "table" else None):
            if label and _normal(label) in labels:
                return labels[_normal(label)]
        if obj.schema_name and obj.schema_name in schemas:
            return obj.schema_name
        return None

    def _compare_objects(self) -> None:
        schemas = self.view.schemas
        labels = self._targets()
        mapped: dict[str, list[DocObject]] = defaultdict(list)
        unmapped: dict[str, list[str]] = defaultdict(list)
        for obj in sorted(self.facts.objects, key=lambda o: RANK[o.kind]):
            target = self._target(obj, labels, schemas)
            if target is not None:
                mapped[target].append(obj)
            elif obj.object_name or obj.kind != "table":
                unmapped[obj.object_name or obj.schema_name or ""].append(obj.page_url)
        for name, pages in unmapped.items():
            self.notes.append(
                f"object {name!r} (on {', '.join(dict.fromkeys(pages))}) matches no schema of {self.spec_name}; "
                f"not compared (mark the schema that models it with x-doc-object: {name})"
            )
        for target, objects in sorted(mapped.items()):
            self._compare_object(target, objects)

    def _compare_object(self, target: str, objects: list[DocObject]) -> None:
        at = pointer("components", "schemas", target)
        schema = self.view.schemas[target]
        properties = self.view.properties(schema, at)
        documented: dict[str, list[tuple[DocField, DocObject]]] = defaultdict(list)
        for obj in objects:
            for name, doc_field in obj.fields.items():
                documented[name].append((doc_field, obj))
        for name, sources in documented.items():
            first = sources[0][1]
            if name not in properties:
                self._add(
                    "field-missing-from-spec",
                    f"field {name} is documented ({_describe(first)}) but {target} has no such property",
                    first.page_url,
                    self._add_property(target, at, schema, name, sources[0][0], first),
                    schema=target,
                    subject=name,
                )
                continue
            declared, declared_at, _ = properties[name]
            declared_type = coarse_type(declared, self.spec)
            # The best source that gives a type decides; a lower one that disagrees is a conflict within the docs.
            typed = [(f, o) for f, o in sources if coarse_type(f.schema, o.document) is not None]
            for doc_field, obj in typed[:1]:
                said = coarse_type(doc_field.schema, obj.document)
                if not compatible(said, declared_type):
                    self._add(
                        "field-type-mismatch",
                        f"field {name} is documented as {doc_field.raw_type or said} ({_describe(obj)}) "
                        f"but {target} says {declared_type}",
                        obj.page_url,
                        self._retype(
                            declared_at,
                            declared,
                            own_words(doc_field.schema, set(self.view.schemas)),
                            f"field {name} of {target}",
                        ),
                        schema=target,
                        subject=name,
                    )
                    break
            self._enums(
                [(f.schema, o.document, o.page_url) for f, o in sources], declared, declared_at, name, schema=target
            )
        shown = self.shown.get(target, set())
        for name, (declared, declared_at, holder) in properties.items():
            if name not in documented and name not in shown and not _documented_elsewhere(declared):
                self._add(
                    "field-no-longer-documented",
                    f"{target} has property {name}, but none of the documentation of this object lists it",
                    objects[0].page_url,
                    *self._remove_member(declared_at, holder, name, f"remove field {name} from {target}"),
                    schema=target,
                    subject=name,
                )

    def _add_property(self, target: str, at: str, schema: Any, name: str, doc_field: DocField, obj: DocObject) -> Edit:
        value = own_words(doc_field.schema or {}, set(self.view.schemas))
        summary = f"add field {name} to {target}"
        if isinstance(as_dict(schema).get("properties"), dict):
            return Edit("add", at + pointer("properties", name), value, summary)
        return Edit("add", at + "/properties", {name: value}, summary)

    def _remove_member(self, at: str, holder: str, name: str, summary: str) -> tuple[Edit, ...]:
        """Remove a property (or parameter) and, for a property, its entry in the holder's ``required``."""
        edits = [Edit("remove", at, summary=summary)]
        if holder:
            node, _ = self.view.locate({"$ref": "#" + holder}, holder)
            required = as_list(as_dict(node).get("required"))
            if name in required:
                rest = [member for member in required if member != name]
                edits.append(
                    Edit("replace", holder + "/required", rest, summary)
                    if rest
                    else Edit("remove", holder + "/required", summary=summary)
                )
        return tuple(edits)

    @staticmethod
    def _retype(at: str, declared: Any, documented: Any, what: str) -> Edit:
        """Replace a schema's type keywords by the documented ones, keeping our description and extensions."""
        kept = {k: v for k, v in as_dict(declared).items() if k not in _TYPE_KEYS and k not in {"enum", "nullable"}}
        value = {**as_dict(documented), **{k: v for k, v in kept.items() if k == "description" or k.startswith("x-")}}
        return Edit(
            "replace", at, value, f"change the type of {what} to {coarse_type(documented) or 'the documented one'}"
        )

    # ---------------------------------------------------------------- examples

    def _compare_examples(self) -> None:
        for example in self.facts.examples:
            op = self.operations.get(example.key)
            if op is None:
                continue
            responses = as_dict(op.operation.get("responses"))
            status = next((s for s in (example.status, f"{example.status[0]}XX", "default") if s in responses), None)
            if status is None:
                self._add(
                    "example-contradicts-spec",
                    f"the docs show a {example.status} response ({_label(example.kind)}) but {self.spec_name} "
                    f"declares no {example.status} or default response",
                    example.page_url,
                    operation=op.label,
                    subject=f"{example.status} response",
                )
                continue
            media = self.view.media(responses[status], op.pointer + pointer("responses", status))
            if media is None or not isinstance(media[0].get("schema"), dict):
                continue
            schema = media[0]["schema"]
            self.view.walk_example(example.body, schema, media[1] + "/schema", self.shown)
            if any(_same_example(held, example) for held in self.view.iter_examples(media[0])):
                continue  # kept as documented: a contradiction in it is the docs' own, not drift
            problem = (
                "the documented text is not valid JSON"
                if example.raw
                else example_problem(schema, as_dict(self.spec.get("components")), example.body)
            )
            if problem:
                self._add(
                    "example-contradicts-spec",
                    f"the {example.status} example ({_label(example.kind)}) does not match {self.spec_name}: {problem}",
                    example.page_url,
                    *self._add_example(media, example),
                    operation=op.label,
                    subject=f"{example.status} example {_digest(example.body)}",
                )

    @staticmethod
    def _add_example(media: tuple[dict[str, Any], str], example: DocExample) -> tuple[Edit, ...]:
        holder, at = media
        slug = snake(example.page_url.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0]) or "docs"
        name = f"{slug}_{_digest(example.body)}"
        summary = f"keep the documented {example.status} example of {example.method.upper()} {example.path}"
        entry = {"value": copy.deepcopy(example.raw or example.body)}
        if isinstance(holder.get("examples"), dict):
            return (Edit("add", at + pointer("examples", name), entry, summary),)
        examples = {"documented": {"value": holder["example"]}} if "example" in holder else {}
        examples[name] = entry
        edits = [Edit("add", at + "/examples", examples, summary)]
        if "example" in holder:
            edits.append(Edit("remove", at + "/example", summary=summary))
        return tuple(edits)


def _documented_elsewhere(schema: Any) -> bool:
    """A member whose ``x-source`` names evidence other than the vendor's pages (``seed ...``) is not expected there."""
    source = as_dict(schema).get("x-source")
    return isinstance(source, str) and "seed" not in source.lower()


def _same_example(held: Any, example: DocExample) -> bool:
    """Whether a spec's example is this documented one (text that is not JSON compares by its words)."""
    if example.raw:
        return isinstance(held, str) and held.split() == example.raw.split()
    return bool(held == example.body)


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:8]


def _tag_for(doc: DocOperation, spec: dict[str, Any]) -> str | None:
    """The spec's tag for the docs section the page is in (``/api-reference/<section>/<page>``), if it has one."""
    grouped = re.search(r"/api-reference/([^/]+)/[^/]+/?$", doc.page.url)
    if not grouped:
        return None
    wanted = snake(grouped[1])
    for tag in as_list(spec.get("tags")):
        name = as_dict(tag).get("name")
        if isinstance(name, str) and snake(name) == wanted:
            return name
    return None


def _order(finding: Finding) -> tuple[Any, ...]:
    """The whole API first, then operations by path and method, then schemas by name; kinds in registry order."""
    if finding.operation:
        method, _, path = finding.operation.partition(" ")
        group: tuple[Any, ...] = (1, path, METHODS.index(method.lower()) if method.lower() in METHODS else 99)
    else:
        group = (2, finding.schema, 0) if finding.schema else (0, "", 0)
    kinds = list(FINDING_KINDS)
    return (*group, kinds.index(finding.kind) if finding.kind in kinds else 99, finding.message, finding.page)


def _where(location: str) -> str:
    return "request-body property" if location == "body" else f"{location} parameter"


def _normal(label: str) -> str:
    value = snake(label)
    for affix in ("response_", "request_"):
        value = value.removeprefix(affix)
    return value.removesuffix("_object")


def _describe(obj: DocObject) -> str:
    if obj.kind == "table":
        return f"table {obj.heading!r}" if obj.heading else "table"
    return f"{_label(obj.kind)} schema {obj.schema_name}"
