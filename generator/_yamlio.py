"""Reading and writing spec documents (YAML or JSON) deterministically."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

__all__ = ["dump_yaml", "load_document", "load_text", "rewrite_yaml", "write_yaml"]


class _Loader(yaml.SafeLoader):
    """Safe loader that keeps every scalar the way JSON would read it.

    PyYAML's default resolver turns ``2024-08-28`` into a ``datetime.date`` and
    ``on``/``off`` into booleans (YAML 1.1).  A spec is JSON data written as YAML,
    so timestamps stay strings.
    """


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

if yaml.__with_libyaml__:

    class _FastLoader(yaml.CSafeLoader):
        """The same rules as ``_Loader`` on libyaml's parser (several times faster on a large spec)."""

    _FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
    FastLoader: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = _FastLoader
else:  # pragma: no cover - PyYAML built without libyaml
    FastLoader = _Loader


class _Dumper(yaml.SafeDumper):
    """Block-style dumper that never emits anchors and indents lists under keys."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_representer)


def load_text(text: str, *, name: str = "<text>") -> Any:
    """Parse YAML or JSON text (JSON is a subset of YAML, but JSON is tried first)."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            pass
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        raise ValueError(f"{name}: not valid YAML or JSON: {exc}") from exc


def load_document(path: Path) -> Any:
    """Load a YAML or JSON file."""
    return load_text(path.read_text(encoding="utf-8"), name=str(path))


def dump_yaml(data: Any) -> str:
    """Serialise to YAML with a stable layout (key order kept, no line folding)."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100_000,
        default_flow_style=False,
    )


def write_yaml(path: Path, data: Any, *, header: str = "") -> None:
    """Write ``data`` as YAML, preceded by ``header`` comment lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(header + dump_yaml(data), encoding="utf-8")
    os.replace(partial, path)  # readers see the old file or the new one, never half of one


def rewrite_yaml(path: Path, data: Any) -> None:
    """Write ``data`` over a YAML file, keeping the comment lines the file starts with."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True) if path.exists() else []
    header = []
    for line in lines:
        if not line.startswith("#"):
            break
        header.append(line)
    write_yaml(path, data, header="".join(header))
