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

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ._facts import (
    KIND_LABELS,
    RANK,
    DocField,
    DocObject,
    DocOperation,
    DocParameter,
    Facts,
    OperationKey,
    collect,
    json_media,
)
from ._markdown import METHODS
from ._schemas import as_dict, as_list, coarse_type, compatible, example_problem, path_key, resolve, snake
from .model import DocSet

__all__ = ["FINDING_KINDS", "DriftReport", "Finding", "drift", "drift_report", "render"]

FINDING_KINDS: dict[str, str] = {
    "operation-undocumented-in-spec": "a documented operation (method and path) is missing from the spec",
    "operation-no-longer-documented": "an operation of the spec is on no documentation page (docs that list every "
    "operation only)",
    "parameter-missing-from-spec": "a documented parameter or request-body property is not declared by the spec",
    "parameter-no-longer-documented": "a parameter of the spec is not among an operation's documented parameters",
    "parameter-type-mismatch": "a parameter is documented with another type than the spec gives it",
    "field-missing-from-spec": "a field of a documented object is absent from the schema it maps to",
    "field-no-longer-documented": "a property of a schema is listed by none of the docs that describe its object",
    "field-type-mismatch": "a field is documented with another type than the schema gives it",
    "example-contradicts-spec": "a documented response example does not validate against the spec's response",
}


@dataclass(frozen=True)
class Finding:
    """One difference between docs and spec, tied to an operation (``GET /x``) or a schema."""

    kind: str
    message: str
    page: str
    operation: str | None = None
    schema: str | None = None

    @property
    def group(self) -> str:
        return f"operation {self.operation}" if self.operation else f"schema {self.schema}"

    def __str__(self) -> str:
        return f"{self.group}: {self.kind}: {self.message} ({self.page or 'no page'})"


@dataclass
class DriftReport:
    """Findings against one spec, plus notes on documented objects that could not be compared."""

    spec_name: str
    source: str
    findings: list[Finding]
    notes: list[str] = field(default_factory=list)


def drift(docs: DocSet, spec: dict[str, Any], *, spec_name: str) -> list[Finding]:
    """Every way ``spec`` differs from ``docs`` (see the module docstring for what is reported when)."""
    return drift_report(docs, spec, spec_name=spec_name).findings


def drift_report(docs: DocSet, spec: dict[str, Any], *, spec_name: str) -> DriftReport:
    """:func:`drift` with the notes the command line prints beside the findings."""
    return _Drift(docs, spec, spec_name).run()


def render(report: DriftReport) -> str:
    """The findings grouped per operation and per schema, then a one-line summary."""
    lines = [f"{report.spec_name}: compared with {report.source}"]
    current = None
    for finding in report.findings:
        if finding.group != current:
            current = finding.group
            lines.append(f"  {current}")
        lines.append(f"    {finding.kind}: {finding.message} [{finding.page or 'no page'}]")
    for note in report.notes:
        lines.append(f"  note: {note}")
    counts: dict[str, int] = defaultdict(int)
    for finding in report.findings:
        counts[finding.kind] += 1
    groups = {finding.group for finding in report.findings}
    operations = sum(1 for group in groups if group.startswith("operation "))
    if report.findings:
        by_kind = ", ".join(f"{kind} {counts[kind]}" for kind in FINDING_KINDS if counts[kind])
        lines.append(
            f"  summary: {len(report.findings)} findings in {operations} operations and "
            f"{len(groups) - operations} schemas ({by_kind})"
        )
    else:
        lines.append("  summary: no drift")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- the comparison


@dataclass(frozen=True)
class _SpecOperation:
    method: str
    path: str
    operation: dict[str, Any]
    parameters: dict[str, tuple[str, Any]]  # name -> (location, schema); body properties too

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"


def _label(kind: str) -> str:
    return KIND_LABELS[kind]


class _Drift:
    def __init__(self, docs: DocSet, spec: dict[str, Any], spec_name: str) -> None:
        self.docs = docs
        self.spec = spec
        self.spec_name = spec_name
        self.operations = self._spec_operations()
        self.facts: Facts = collect(docs, templates=[op.path for op in self.operations.values()])
        self.findings: list[Finding] = []
        self.notes: list[str] = []

    def run(self) -> DriftReport:
        self._compare_operations()
        self._compare_parameters()
        self._compare_objects()
        self._compare_examples()
        unique = sorted(dict.fromkeys(self.findings), key=_order)
        return DriftReport(self.spec_name, self.docs.source, unique, sorted(set(self.notes)))

    def _add(
        self, kind: str, message: str, page: str, *, operation: str | None = None, schema: str | None = None
    ) -> None:
        self.findings.append(Finding(kind, message, page, operation, schema))

    # ---------------------------------------------------------------- spec side

    def _spec_operations(self) -> dict[OperationKey, _SpecOperation]:
        found: dict[OperationKey, _SpecOperation] = {}
        for path, item in as_dict(self.spec.get("paths")).items():
            if not isinstance(item, dict):
                continue
            for method in METHODS:
                operation = item.get(method)
                if isinstance(operation, dict):
                    parameters = self._spec_parameters(operation, as_list(item.get("parameters")))
                    found[(method, path_key(str(path)))] = _SpecOperation(method, str(path), operation, parameters)
        return found

    def _spec_parameters(self, operation: dict[str, Any], shared: list[Any]) -> dict[str, tuple[str, Any]]:
        parameters: dict[str, tuple[str, Any]] = {}
        for raw in [*as_list(operation.get("parameters")), *shared]:
            parameter = resolve(self.spec, raw)
            if isinstance(parameter, dict) and isinstance(parameter.get("name"), str):
                parameters.setdefault(parameter["name"], (str(parameter.get("in", "query")), parameter.get("schema")))
        body = resolve(self.spec, operation.get("requestBody"))
        media = json_media(body.get("content")) if isinstance(body, dict) else None
        schema = resolve(self.spec, media.get("schema")) if media else None
        if isinstance(schema, dict):
            for name, value in self._properties(schema).items():
                parameters.setdefault(name, ("body", value))
        return parameters

    def _properties(self, schema: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for member in as_list(schema.get("allOf")):
            target = resolve(self.spec, member)
            if isinstance(target, dict):
                found.update(self._properties(target))
        found.update(as_dict(schema.get("properties")))
        return found

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
                    operation=op.label,
                )

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
            exhaustive = next((p.page_url for p in documented if p.exhaustive), None)
            if exhaustive is None and key in exhaustive_ops:
                exhaustive = exhaustive_ops[key].page.url
            if exhaustive is None:
                continue
            names = {p.name for p in documented}
            for name, (location, _) in op.parameters.items():
                if name not in names and location != "path":
                    self._add(
                        "parameter-no-longer-documented",
                        f"{_where(location)} {name} is declared by {self.spec_name} but not documented",
                        exhaustive,
                        operation=op.label,
                    )

    def _parameter(self, op: _SpecOperation, parameter: DocParameter, reported: set[tuple[str, str]]) -> None:
        where = _where(parameter.location)
        if parameter.name not in op.parameters:
            if (parameter.name, "missing") not in reported:
                reported.add((parameter.name, "missing"))
                self._add(
                    "parameter-missing-from-spec",
                    f"{where} {parameter.name} is documented ({_label(parameter.kind)}) but {self.spec_name} "
                    "does not declare it",
                    parameter.page_url,
                    operation=op.label,
                )
            return
        if parameter.kind == "guide":  # types guessed from an example value are not evidence
            return
        documented = coarse_type(parameter.schema, parameter.document)
        declared = coarse_type(op.parameters[parameter.name][1], self.spec)
        if not compatible(documented, declared) and (parameter.name, "type") not in reported:
            reported.add((parameter.name, "type"))
            self._add(
                "parameter-type-mismatch",
                f"{parameter.name} is documented as {parameter.raw_type or documented} "
                f"({_label(parameter.kind)}) but {self.spec_name} says {declared}",
                parameter.page_url,
                operation=op.label,
            )

    # ---------------------------------------------------------------- objects

    def _targets(self) -> dict[str, str]:
        """``x-doc-object`` labels of the spec's schemas, normalised, to schema names."""
        labels: dict[str, str] = {}
        for name, schema in as_dict(as_dict(self.spec.get("components")).get("schemas")).items():
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
        schemas = as_dict(as_dict(self.spec.get("components")).get("schemas"))
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
            self._compare_object(target, as_dict(schemas[target]), objects)

    def _compare_object(self, target: str, schema: dict[str, Any], objects: list[DocObject]) -> None:
        properties = self._properties(schema)
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
                    schema=target,
                )
                continue
            declared = coarse_type(properties[name], self.spec)
            for doc_field, obj in sources:
                said = coarse_type(doc_field.schema, obj.document)
                if not compatible(said, declared):
                    self._add(
                        "field-type-mismatch",
                        f"field {name} is documented as {doc_field.raw_type or said} ({_describe(obj)}) "
                        f"but {target} says {declared}",
                        obj.page_url,
                        schema=target,
                    )
                    break
        for name in properties:
            if name not in documented:
                self._add(
                    "field-no-longer-documented",
                    f"{target} has property {name}, but none of the documentation of this object lists it",
                    objects[0].page_url,
                    schema=target,
                )

    # ---------------------------------------------------------------- examples

    def _compare_examples(self) -> None:
        components = as_dict(self.spec.get("components"))
        for example in self.facts.examples:
            op = self.operations.get(example.key)
            if op is None:
                continue
            responses = as_dict(op.operation.get("responses"))
            response = responses.get(example.status) or responses.get(f"{example.status[0]}XX")
            response = response or responses.get("default")
            if response is None:
                self._add(
                    "example-contradicts-spec",
                    f"the docs show a {example.status} response ({_label(example.kind)}) but {self.spec_name} "
                    f"declares no {example.status} or default response",
                    example.page_url,
                    operation=op.label,
                )
                continue
            media = json_media(as_dict(resolve(self.spec, response)).get("content"))
            schema = media.get("schema") if media else None
            if not isinstance(schema, dict):
                continue
            problem = example_problem(schema, components, example.body)
            if problem:
                self._add(
                    "example-contradicts-spec",
                    f"the {example.status} example ({_label(example.kind)}) does not match {self.spec_name}: {problem}",
                    example.page_url,
                    operation=op.label,
                )


def _order(finding: Finding) -> tuple[Any, ...]:
    """Operations by path then method, then schemas by name; within a group, kinds in registry order."""
    if finding.operation:
        method, _, path = finding.operation.partition(" ")
        group: tuple[Any, ...] = (0, path, METHODS.index(method.lower()) if method.lower() in METHODS else 99)
    else:
        group = (1, finding.schema or "", 0)
    return (*group, list(FINDING_KINDS).index(finding.kind), finding.message, finding.page)


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
