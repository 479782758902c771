"""``<package>/_fast.py``: a strict decoder for documented bodies, built by reading the generated models.

The generated ``from_dict`` is tolerant: any field may be null, absent, of an unknown enum value, a
malformed date or an unknown key, and the model keeps what came.  Doing those checks in Python for every
field is most of what a response costs.  ``_fast.py`` declares, for each model, a msgspec ``Struct`` of
the *documented* shape (a date is a ``datetime.date``, an enum its members, no unknown keys) and a
function that turns that Struct into the very attrs model ``from_dict`` would build.  msgspec decodes
JSON bytes into the Structs in C; ``types.parse_model`` tries that first and, whenever msgspec refuses
the document (anything undocumented anywhere in it), parses it the tolerant way instead.  So the result
is always what ``from_dict(json.loads(...))`` gives; only the time differs.

The shapes are read from the generated classes themselves (their attrs fields, type hints and the
``_FIELDS`` key order), in a subprocess that imports the freshly generated package: ``python -m
generator.fastpath FOLDER PACKAGE`` prints the module.  A model whose shape cannot be expressed strictly
(a union of two kinds of value, say) is left to its own ``from_dict``, inside a strict parent too.  A
date-time is decoded as a string and parsed with ``fromisoformat`` as ``from_dict`` does (msgspec's own
date-time parsing accepts other forms and gives other time zone objects).
"""

from __future__ import annotations

import datetime
import enum
import importlib
import json
import subprocess
import sys
import types
import typing
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["fast_source"]

_SCALARS = {str: "str", int: "int", bool: "bool", float: "int | float"}  # msgspec would turn 1 into 1.0
_RICH = {datetime.date: "datetime.date", datetime.datetime: "datetime.datetime", uuid.UUID: "uuid.UUID"}


class Unexpressible(Exception):
    """A type the strict decoder does not take: the model containing it parses with its own ``from_dict``."""


@dataclass
class Shape:
    """How a value is declared in a Struct and turned into what the model stores."""

    annotation: str
    convert: Callable[[str], str] | None = None  # expression -> converted expression; None: stored as decoded
    needs_check: str = ""  # the class a value must be to be converted (None and UNSET pass through)

    def checked(self, value: str) -> str:
        """The expression converting ``value``, which leaves None and UNSET as they are."""
        assert self.convert is not None
        return f"{self.convert(value)} if isinstance({value}, {self.needs_check}) else {value}"


@dataclass
class Writer:
    package: str
    unset: type
    models: dict[type, str] = field(default_factory=dict)  # class -> "struct" | "map" | "dict"
    blocks: list[str] = field(default_factory=list)
    imports: set[str] = field(default_factory=set)
    converters: dict[type, str] = field(default_factory=dict)

    # --- types -----------------------------------------------------------------------------------------

    def members(self, hint: Any) -> tuple[list[Any], bool, bool]:
        """The union members of ``hint`` other than None and Unset, and whether each of those was there."""
        origin = typing.get_origin(hint)
        found = list(typing.get_args(hint)) if origin in (typing.Union, types.UnionType) else [hint]
        nullable = type(None) in found
        optional = self.unset in found
        rest = [m for m in found if m not in (type(None), self.unset)]
        rich = [m for m in rest if m in _RICH or (isinstance(m, type) and issubclass(m, enum.Enum))]
        if rich and str in rest:
            rest.remove(str)  # the tolerant fallback member: a malformed value is not documented
        return rest, nullable, optional

    def shape(self, hint: Any) -> Shape:
        rest, nullable, _ = self.members(hint)
        if not rest:
            return Shape("None")
        if len(rest) > 1:
            raise Unexpressible(f"a union of {rest}")
        inner = self.single(rest[0])
        annotation = f"{inner.annotation} | None" if nullable and inner.annotation != "Any" else inner.annotation
        return Shape(annotation, inner.convert, inner.needs_check)

    def single(self, hint: Any) -> Shape:
        if hint is Any:
            return Shape("Any")
        if hint in _SCALARS:
            return Shape(_SCALARS[hint])
        if hint in _RICH:
            if hint is datetime.datetime:
                # msgspec's accepted forms and time zones differ from fromisoformat's: decoded as a string,
                # then parsed as from_dict parses it (a string it refuses is kept, as there)
                return Shape("str", lambda v: f"_datetime({v})", "str")
            return Shape(_RICH[hint])
        origin = typing.get_origin(hint)
        if origin is list:
            (item,) = typing.get_args(hint) or (Any,)
            inner = self.shape(item)
            if not inner.convert:
                return Shape(f"list[{inner.annotation}]")
            each = inner.checked("x")
            return Shape(f"list[{inner.annotation}]", lambda v: f"[{each} for x in {v}]", "list")
        if origin is dict:
            _, value = typing.get_args(hint) or (str, Any)
            inner = self.shape(value)
            if not inner.convert:
                return Shape(f"dict[str, {inner.annotation}]")
            each = inner.checked("x")
            return Shape(f"dict[str, {inner.annotation}]", lambda v: f"{{k: {each} for k, x in {v}.items()}}", "dict")
        if isinstance(hint, type) and issubclass(hint, enum.Enum):
            self.imports.add(f"from .models.{_module(hint)} import {hint.__name__}")
            return Shape(hint.__name__)
        if isinstance(hint, type) and hasattr(hint, "from_dict"):
            return self.model(hint)
        raise Unexpressible(f"the type {hint!r}")

    # --- models ----------------------------------------------------------------------------------------

    def model(self, cls: type) -> Shape:
        kind = self.models.get(cls) or self.declare(cls)
        name = cls.__name__
        if kind == "struct":
            return Shape(f"_{name}", lambda v: f"_{name}_model({v})", f"_{name}")
        if kind == "map":
            inner = self.map_values(cls)
            return Shape(f"dict[str, {inner.annotation}]", lambda v: f"_{name}_model({v})", "dict")
        # a model left to its own from_dict: decoded as plain JSON, parsed the tolerant way
        return Shape("dict[str, Any]", lambda v: f"{name}.from_dict({v})", "dict")

    def map_values(self, cls: type) -> Shape:
        hints = typing.get_type_hints(cls)
        _, value = typing.get_args(hints["additional_properties"])
        return self.shape(value)

    def declare(self, cls: type) -> str:
        import attrs

        name = cls.__name__
        self.imports.add(f"from .models.{_module(cls)} import {name}")
        self.models[cls] = "dict"  # while this one is being read: a cycle through it parses tolerantly
        hints = typing.get_type_hints(cls)
        declared = [a for a in attrs.fields(cls) if a.init]
        module = sys.modules[cls.__module__]
        getter = getattr(module, "_FIELDS", None)
        keys = list(getter.__reduce__()[1]) if getter is not None else []
        if len(keys) != len(declared):
            return "dict"
        extra = hints.get("additional_properties")
        try:
            if not declared:
                if extra is None:
                    return "dict"
                self.map_values(cls)
                self.models[cls] = "map"
                self.blocks.append(self.map_converter(cls))
                return "map"
            if extra is not None and typing.get_args(extra)[1] is not Any:
                return "dict"  # declared fields and typed extra values: from_dict sorts them
            shapes = [self.shape(hints[a.name]) for a in declared]
        except Unexpressible:
            return "dict"
        self.models[cls] = "struct"
        self.blocks.append(self.struct(cls, declared, keys, shapes, extra is not None))
        return "struct"

    def struct(self, cls: type, declared: list[Any], keys: list[str], shapes: list[Shape], extra: bool) -> str:
        name = cls.__name__
        rename = ", ".join(f'"f{i}": {json.dumps(key)}' for i, key in enumerate(keys))
        lines = [
            f"class _{name}(msgspec.Struct, forbid_unknown_fields=True, gc=False, rename={{{rename}}}):",
        ]
        required = [(i, s) for i, (a, s) in enumerate(zip(declared, shapes, strict=True)) if not _optional(a)]
        optional = [(i, s) for i, (a, s) in enumerate(zip(declared, shapes, strict=True)) if _optional(a)]
        lines += [f"    f{i}: {shape.annotation}" for i, shape in required]
        lines += [f"    f{i}: {shape.annotation} = _ABSENT" for i, shape in optional]
        if not declared:
            lines.append("    pass")
        body = [f"def _{name}_model(s: _{name}) -> {name}:", f"    o: {name} = _new({name})"]
        for i, (attribute, shape) in enumerate(zip(declared, shapes, strict=True)):
            value = shape.checked(f"s.f{i}") if shape.convert else f"s.f{i}"
            body.append(f"    o.{attribute.name} = {value}")
        if extra:
            body.append("    o.additional_properties = {}")
        body.append("    return o")
        return "\n".join(lines) + "\n\n\n" + "\n".join(body)

    def map_converter(self, cls: type) -> str:
        name = cls.__name__
        inner = self.map_values(cls)
        values = f"{{k: {inner.checked('x')} for k, x in d.items()}}" if inner.convert else "d"
        return "\n".join(
            [
                f"def _{name}_model(d: dict[str, Any]) -> {name}:",
                f"    o: {name} = _new({name})",
                f"    o.additional_properties = {values}",
                "    return o",
            ]
        )

    def render(self, classes: list[type]) -> str:
        for cls in classes:
            if cls not in self.models:
                self.declare(cls)
        strict = {
            cls: f"_{cls.__name__}" if kind == "struct" else f"dict[str, {self.map_values(cls).annotation}]"
            for cls, kind in self.models.items()
            if kind in ("struct", "map")
        }
        lines = [
            '"""Strict decoding of documented bodies straight into the models (see ``types.parse_model``).',
            "",
            "Written by ``generator/fastpath.py`` from the generated models; msgspec refuses anything the spec does",
            "not document, and the caller then parses the body with the tolerant ``from_dict``.",
            '"""',
            "",
            "from __future__ import annotations",
            "",
            "import datetime",
            "import uuid",
            "from typing import Any",
            "",
            "import msgspec",
            "",
            "from .types import UNSET",
            *sorted(self.imports),
            "",
            "_new = object.__new__",
            "",
            "",
            "def _datetime(value: str) -> datetime.datetime | str:",
            '    """A date-time as the models\' from_dict reads it: ``fromisoformat``, or the string it refuses."""',
            "    try:",
            "        return datetime.datetime.fromisoformat(value)",
            "    except ValueError:",
            "        return value",
            "",
            "",
            "_ABSENT: Any = UNSET  # what a Struct holds for an absent optional field: the models' own marker",
            "",
            "",
        ]
        lines.append("\n\n\n".join(self.blocks))
        lines += [
            "",
            "",
            "# model class -> (the type it is decoded as, the function that builds the model from that)",
            "STRICT: dict[type, tuple[type, Any]] = {",
            *(f"    {cls.__name__}: ({decoded}, _{cls.__name__}_model)," for cls, decoded in strict.items()),
            "}",
        ]
        return "\n".join(lines) + "\n"


def _module(cls: type) -> str:
    return cls.__module__.rsplit(".", 1)[-1]


def _optional(attribute: Any) -> bool:
    import attrs

    return attribute.default is not attrs.NOTHING


def _render(folder: Path, package: str) -> str:
    sys.path.insert(0, str(folder))
    models = importlib.import_module(f"{package}.models")
    unset = importlib.import_module(f"{package}.types").Unset
    classes = [getattr(models, name) for name in sorted(models.__all__)]
    classes = [cls for cls in classes if isinstance(cls, type) and hasattr(cls, "from_dict")]
    return Writer(package, unset).render(classes)


def fast_source(folder: Path, package: str) -> str:
    """The source of ``<package>/_fast.py`` for the package generated in ``folder/package``."""
    root = Path(__file__).resolve().parent.parent
    completed = subprocess.run(
        [sys.executable, "-m", "generator.fastpath", str(folder), package],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"reading the generated {package} models failed:\n{completed.stderr}")
    return completed.stdout


if __name__ == "__main__":
    sys.stdout.write(_render(Path(sys.argv[1]), sys.argv[2]))
