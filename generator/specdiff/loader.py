"""Load an OpenAPI document for diffing: a file or a git ref, YAML or JSON, ``$ref``s across files.

Every way a source can be unusable (unreadable file, text that does not parse,
a git ref or path that does not exist, a ``$ref`` that resolves nowhere) raises
``SpecError`` with a one-line message naming the file and the location; the
command line turns it into exit status 2.
"""

from __future__ import annotations

import json
import posixpath
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from .._yamlio import FastLoader

__all__ = ["Node", "Spec", "SpecError", "load_spec", "load_spec_text", "pointer_text"]

Node = Any


class SpecError(Exception):
    """The source cannot be diffed; ``str()`` is one line naming the file and location."""


def pointer_text(parts: tuple[str, ...] | list[str]) -> str:
    """RFC 6901 JSON pointer for ``parts``."""
    return "#/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


_GIT_REF = re.compile(r"^(?P<ref>[^:]+):(?P<path>.+)$")


@dataclass
class _Origin:
    """Where documents are read from: the file system or one commit of the git repository."""

    git_ref: str | None = None

    def read(self, name: str) -> str:
        if self.git_ref is None:
            try:
                return Path(name).read_text(encoding="utf-8")
            except FileNotFoundError:
                raise SpecError(f"{name}: file not found") from None
            except IsADirectoryError:
                raise SpecError(f"{name}: is a directory, not a spec file") from None
            except (OSError, UnicodeDecodeError) as exc:
                raise SpecError(f"{name}: cannot be read: {exc}") from None
        return _git_show(self.git_ref, name)

    def label(self, name: str) -> str:
        return name if self.git_ref is None else f"{self.git_ref}:{name}"


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise SpecError("git is not installed; give the spec as a file instead of a git ref") from None


def _git_show(ref: str, path: str) -> str:
    if _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0:
        raise SpecError(f"{ref}:{path}: git ref {ref!r} does not exist")
    shown = _git("show", f"{ref}:{path}")
    if shown.returncode != 0:
        raise SpecError(f"{ref}:{path}: no file {path!r} in git ref {ref!r}")
    return shown.stdout


def _parse(text: str, label: str) -> Any:
    if text.lstrip().startswith(("{", "[")):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise SpecError(f"{label}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    try:
        return yaml.load(text, Loader=FastLoader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        raise SpecError(f"{label}{where}: not valid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise SpecError(f"{label}: not valid YAML: {exc}") from None


@dataclass
class Spec:
    """A parsed root document plus every document its ``$ref``s reach."""

    label: str
    root_name: str
    document: dict[str, Any]
    origin: _Origin = field(default_factory=_Origin)
    documents: dict[str, Any] = field(default_factory=dict)
    text: str = ""

    @property
    def version(self) -> str:
        return str(self.document.get("openapi", ""))

    def deref(self, node: Node, base: str) -> tuple[Node, str, str | None]:
        """Follow ``$ref`` chains from ``node`` (found in document ``base``).

        Returns the target, the document it lives in, and a stable key for the
        last reference followed (``None`` when ``node`` was not a reference).
        """
        key: str | None = None
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            node, base, key = self._resolve(node["$ref"], base)
            if key in seen:
                raise SpecError(f"{self.origin.label(base)}: {key}: $ref cycle made only of references")
            seen.add(key)
        return node, base, key

    def _resolve(self, ref: str, base: str) -> tuple[Node, str, str]:
        file_part, _, fragment = ref.partition("#")
        name = posixpath.normpath(posixpath.join(posixpath.dirname(base), file_part)) if file_part else base
        document = self._document(name, referenced_from=base, ref=ref)
        target: Any = document
        if fragment:
            for raw in fragment.lstrip("/").split("/"):
                part = unquote(raw).replace("~1", "/").replace("~0", "~")
                if isinstance(target, dict) and part in target:
                    target = target[part]
                elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
                    target = target[int(part)]
                else:
                    raise SpecError(f"{self.origin.label(base)}: $ref {ref!r} does not resolve (no {part!r})")
        return target, name, f"{name}#{fragment}"

    def _document(self, name: str, *, referenced_from: str, ref: str) -> Any:
        if name not in self.documents:
            try:
                text = self.origin.read(name)
            except SpecError as exc:
                raise SpecError(f"{self.origin.label(referenced_from)}: $ref {ref!r} does not resolve: {exc}") from None
            self.documents[name] = _parse(text, self.origin.label(name))
        return self.documents[name]

    def check_refs(self) -> None:
        """Resolve every ``$ref`` reachable from the root so that a broken one is reported up front."""
        pending: list[tuple[str, Any, tuple[str, ...]]] = [(self.root_name, self.document, ())]
        visited: set[str] = set()
        while pending:
            base, node, where = pending.pop()
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str):
                    try:
                        _, target_base, _ = self._resolve(ref, base)
                    except SpecError as exc:
                        raise SpecError(f"{exc} at {pointer_text(where)}") from None
                    if target_base != base and target_base not in visited:
                        visited.add(target_base)
                        pending.append((target_base, self.documents[target_base], ()))
                    continue
                for key_, value in node.items():
                    pending.append((base, value, (*where, str(key_))))
            elif isinstance(node, list):
                for index, value in enumerate(node):
                    pending.append((base, value, (*where, str(index))))


def _check_openapi(document: Any, label: str) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise SpecError(f"{label}: not an OpenAPI document (the top level is not a mapping)")
    version = document.get("openapi")
    if not isinstance(version, str) or not re.match(r"^3\.[01]\.\d+", version):
        found = document.get("swagger") or version
        raise SpecError(f"{label}: #/openapi: only OpenAPI 3.0 and 3.1 are supported (found {found!r})")
    for key in ("paths", "components", "webhooks"):
        if key in document and not isinstance(document[key], dict | type(None)):
            raise SpecError(f"{label}: #/{key}: must be a mapping")
    return document


def load_spec_text(text: str, *, name: str = "<text>") -> Spec:
    """Parse a spec given as text (its ``$ref``s to other files resolve from the working directory)."""
    document = _check_openapi(_parse(text, name), name)
    spec = Spec(label=name, root_name=name, document=document, text=text)
    spec.documents[name] = document
    spec.check_refs()
    return spec


def load_spec(source: str) -> Spec:
    """Load ``source``: a file path, or ``REF:path`` naming a file in a git ref (``origin/main:spec/x.yaml``)."""
    origin = _Origin()
    name = source
    match = _GIT_REF.match(source)
    if match and not Path(source).exists() and not re.match(r"^[A-Za-z]:[\\/]", source):
        origin = _Origin(git_ref=match["ref"])
        name = match["path"]
    name = posixpath.normpath(name.replace("\\", "/"))
    text = origin.read(name)
    label = origin.label(name)
    document = _check_openapi(_parse(text, label), label)
    spec = Spec(label=label, root_name=name, document=document, origin=origin, text=text)
    spec.documents[name] = document
    spec.check_refs()
    return spec
