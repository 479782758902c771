"""The generated package's Python API surface, its comparison, and the impact of a real spec change."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from generator._yamlio import load_document, write_yaml
from generator.pyapi import ApiChange, Symbol, api_impact, compare, format_api_changes, surface
from generator.vendors import get_vendor


def _package(root: Path, files: dict[str, str], name: str = "pkg") -> Path:
    package = root / name
    for relative, source in files.items():
        path = package / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    return package


def _surface(root: Path, files: dict[str, str], name: str = "pkg") -> dict[str, Symbol]:
    return surface(_package(root, files, name), "pkg")


def _diff(tmp_path: Path, old: str, new: str) -> list[ApiChange]:
    return compare(
        _surface(tmp_path / "old", {"mod.py": old}),
        _surface(tmp_path / "new", {"mod.py": new}),
    )


def _one(changes: list[ApiChange]) -> ApiChange:
    assert len(changes) == 1, changes
    return changes[0]


# ---------------------------------------------------------------------------------------
# surface
# ---------------------------------------------------------------------------------------

MODELS = """
    from enum import StrEnum
    from typing import Any

    from attrs import define as _attrs_define
    from attrs import field as _attrs_field


    @_attrs_define
    class Thing:
        '''A record.'''

        name: str
        size: int | None = None
        tags: list[str] = _attrs_field(factory=list)
        token: str = _attrs_field(repr=False)
        _base_url: str = _attrs_field(alias="base_url")
        _secret: str = "x"
        extra: dict[str, Any] = _attrs_field(init=False, factory=dict)

        def to_dict(self) -> dict[str, Any]:
            return {}

        @classmethod
        def from_dict(cls, src: dict[str, Any]) -> "Thing":
            return cls(name="")

        @property
        def label(self) -> str:
            return self.name

        def _helper(self) -> None:
            pass

        def __repr__(self) -> str:
            return ""


    class Colour(StrEnum):
        RED = "red"
        DARK_BLUE = "dark_blue"
        _ignore_ = ["x"]

        def __str__(self) -> str:
            return str(self.value)


    class Plain:
        def __init__(self, code: int, body: bytes = b"") -> None:
            self.code = code
"""


def test_surface_collects_public_functions_classes_fields_enum_members_and_methods(tmp_path: Path) -> None:
    symbols = _surface(
        tmp_path,
        {
            "__init__.py": "from .models import Thing\n",
            "models.py": MODELS,
            "api/__init__.py": "",
            "api/op.py": """
                async def asyncio(*, client: object, limit: int = 10) -> list[int]:
                    return []

                def _get_kwargs(*, limit: int = 10) -> dict[str, object]:
                    return {}

                request_kwargs = _get_kwargs
                VERSION = "1"
            """,
        },
    )
    texts = {name: symbol.text for name, symbol in symbols.items()}
    assert texts == {
        "pkg.api.op.asyncio": "(*, client: object, limit: int = ...) -> list[int] [async]",
        "pkg.api.op.request_kwargs": "(*, limit: int = ...) -> dict[str, object]",
        "pkg.models.Colour": "(StrEnum) [enum]",
        "pkg.models.Colour.DARK_BLUE": "'dark_blue'",
        "pkg.models.Colour.RED": "'red'",
        "pkg.models.Plain": "[other]",
        "pkg.models.Plain.__init__": "(code: int, body: bytes = ...) -> None",
        "pkg.models.Thing": "[model]",
        "pkg.models.Thing.base_url": "str",
        "pkg.models.Thing.extra": "dict[str, Any] = ...",
        "pkg.models.Thing.from_dict": "(src: dict[str, Any]) -> Thing [classmethod]",
        "pkg.models.Thing.label": "() -> str [property]",
        "pkg.models.Thing.name": "str",
        "pkg.models.Thing.size": "int | None = ...",
        "pkg.models.Thing.tags": "list[str] = ...",
        "pkg.models.Thing.to_dict": "() -> dict[str, Any]",
        "pkg.models.Thing.token": "str",
    }
    assert symbols["pkg.models.Thing.token"].required
    assert not symbols["pkg.models.Thing.tags"].required
    assert symbols["pkg.models.Colour"].class_kind == "enum"
    assert symbols["pkg.models.Thing.name"].owner == "pkg.models.Thing"
    assert symbols["pkg.api.op.asyncio"].module == "pkg.api.op"


ACCESSORS = """
    from attrs import define, field


    @define
    class Person:
        {before}
        _email: str | None | Unset = field(default=UNSET, alias="email")
        {after}

    """
PROPERTY = """@property
        def email(self) -> str | None:
            return None

        @email.setter
        def email(self, value: str | None) -> None:
            pass

        @email.deleter
        def email(self) -> None:
            pass"""


@pytest.mark.parametrize("order", ["accessors-after", "accessors-before"])
def test_a_privately_stored_field_is_one_field_whatever_its_accessors(tmp_path: Path, order: str) -> None:
    before, after = ("", PROPERTY) if order == "accessors-after" else (PROPERTY, "")
    symbols = _surface(tmp_path, {"models.py": ACCESSORS.format(before=before, after=after)})
    email = symbols["pkg.models.Person.email"]
    assert (email.what, email.text, email.required) == ("field", "str | None | Unset = ...", False)
    assert set(symbols) == {"pkg.models.Person", "pkg.models.Person.email"}


def test_surface_skips_private_modules_caches_and_imports(tmp_path: Path) -> None:
    symbols = _surface(
        tmp_path,
        {
            "__init__.py": "from ._impl import run\nfrom .public import shown\n\ndef top() -> None: ...\n",
            "_impl.py": "def run() -> None: ...\n",
            "_private/mod.py": "def hidden() -> None: ...\n",
            "__pycache__/public.py": "def cached() -> None: ...\n",
            "public.py": "def shown() -> None: ...\ndef _hidden() -> None: ...\nclass _Secret: ...\n",
        },
    )
    assert sorted(symbols) == ["pkg.public.shown", "pkg.top"]


def test_signatures_are_normalised_and_keep_parameter_kinds(tmp_path: Path) -> None:
    tidy = _surface(
        tmp_path / "a",
        {"m.py": 'def f(a: int, /, b: "list[str]", *args: int, c: str = "x", **kw: object) -> "Out": ...\n'},
    )
    messy = _surface(
        tmp_path / "b",
        {"m.py": "def f(a:int,/,b:list[ str ],*args:int,c:str='other',**kw:object)->Out:\n    return Out()\n"},
    )
    assert tidy == messy
    symbol = tidy["pkg.m.f"]
    assert symbol.text == "(a: int, /, b: list[str], *args: int, c: str = ..., **kw: object) -> Out"
    assert [(p.name, p.kind, p.has_default) for p in symbol.params] == [
        ("a", "positional-only", False),
        ("b", "positional", False),
        ("args", "var-positional", False),
        ("c", "keyword-only", True),
        ("kw", "var-keyword", False),
    ]


def test_conditional_definitions_and_enum_subclasses_are_seen(tmp_path: Path) -> None:
    symbols = _surface(
        tmp_path,
        {
            "m.py": """
                import enum
                import sys

                if sys.version_info >= (3, 11):
                    def now() -> int: ...
                else:
                    def now() -> float: ...

                class Base(enum.Enum):
                    A = 1

                class Child(Base):
                    pass
            """
        },
    )
    assert symbols["pkg.m.now"].text == "() -> float"  # the last definition wins, as at runtime
    assert symbols["pkg.m.Base"].class_kind == "enum"
    assert symbols["pkg.m.Child"].class_kind == "enum"
    assert symbols["pkg.m.Base.A"].value == "1"


# ---------------------------------------------------------------------------------------
# compare
# ---------------------------------------------------------------------------------------


def test_identical_surfaces_have_no_changes(tmp_path: Path) -> None:
    source = "def f(*, a: int) -> int: ...\n"
    assert _diff(tmp_path, source, source) == []


def test_removed_function_is_an_error_and_added_one_is_info(tmp_path: Path) -> None:
    changes = _diff(tmp_path, "def old(x: int) -> int: ...\n", "def new(y: str) -> str: ...\n")
    assert [(c.level, c.kind, c.what, c.symbol) for c in changes] == [
        ("ERR", "removed", "function", "pkg.mod.old"),
        ("INFO", "added", "function", "pkg.mod.new"),
    ]
    assert changes[0].old == "(x: int) -> int"
    assert changes[0].new is None
    assert changes[1].note is None  # different signatures: no rename claimed


@pytest.mark.parametrize(
    ("old", "new", "level", "note"),
    [
        (
            "def f(*, a: int) -> int: ...",
            "def f(*, a: int, b: str | None = None) -> int: ...",
            "INFO",
            "new optional parameter b",
        ),
        ("def f(a: int) -> int: ...", "def f(a: int, b: int = 0) -> int: ...", "INFO", "new optional parameter b"),
        ("def f(a: int) -> int: ...", "def f(b: int = 0, a: int = 1) -> int: ...", "ERR", "shifts the positional"),
        ("def f(*, a: int) -> int: ...", "def f(*, a: int, b: str) -> int: ...", "ERR", "new required parameter b"),
        ("def f(*, a: int, b: int = 1) -> int: ...", "def f(*, a: int) -> int: ...", "ERR", "parameter b removed"),
        ("def f(*, a: int) -> int: ...", "def f(*, a: str) -> int: ...", "ERR", "parameter a: int -> str"),
        ("def f(*, a: int = 1) -> int: ...", "def f(*, a: int) -> int: ...", "ERR", "parameter a became required"),
        ("def f(*, a: int) -> int: ...", "def f(*, a: int = 1) -> int: ...", "INFO", "parameter a became optional"),
        ("def f(a: int) -> int: ...", "def f(*, a: int) -> int: ...", "ERR", "keyword-only (was positional)"),
        ("def f(*, a: int) -> int: ...", "def f(*, a: int) -> int | None: ...", "WARN", "returns int | None"),
        ("def f(*, a: int) -> int: ...", "async def f(*, a: int) -> int: ...", "ERR", "now async"),
    ],
)
def test_function_signature_changes_are_graded(tmp_path: Path, old: str, new: str, level: str, note: str) -> None:
    change = _one(_diff(tmp_path, old + "\n", new + "\n"))
    assert (change.kind, change.what, change.symbol, change.level) == ("changed", "function", "pkg.mod.f", level)
    assert change.note is not None
    assert note in change.note
    assert (change.old, change.new) != (None, None)


def test_several_reasons_take_the_worst_level(tmp_path: Path) -> None:
    change = _one(
        _diff(
            tmp_path,
            "def f(*, a: int) -> int: ...\n",
            "def f(*, a: str, b: int = 0) -> str: ...\n",
        )
    )
    assert change.level == "ERR"
    assert change.note == "parameter a: int -> str; new optional parameter b; returns str (was int)"


MODEL = """
    from dataclasses import dataclass

    @dataclass
    class M:
        a: int
        b: str | None = None

        def to_dict(self) -> dict[str, object]:
            return {{}}
{extra}
"""


@pytest.mark.parametrize(
    ("extra", "kind", "symbol", "level", "note"),
    [
        ("        c: int | None = None", "added", "pkg.mod.M.c", "INFO", None),
        ("        c: int", "added", "pkg.mod.M.c", "ERR", "new required field"),
        (
            "        def copy(self, *, deep: bool = False) -> 'M':\n            return self",
            "added",
            "pkg.mod.M.copy",
            "INFO",
            None,
        ),
    ],
)
def test_added_members_of_a_model(
    tmp_path: Path, extra: str, kind: str, symbol: str, level: str, note: str | None
) -> None:
    change = _one(_diff(tmp_path, MODEL.format(extra=""), MODEL.format(extra=extra)))
    assert (change.kind, change.symbol, change.level, change.note) == (kind, symbol, level, note)


@pytest.mark.parametrize(
    ("old_field", "new_field", "level", "note"),
    [
        ("b: str | None = None", "b: str", "ERR", "annotation str | None -> str; became required"),
        ("b: str | None = None", "b: str | None", "ERR", "became required"),
        ("b: str | None = None", "b: int | None = None", "ERR", "annotation str | None -> int | None"),
        ("b: str", "b: str = ''", "INFO", "became optional"),
    ],
)
def test_field_changes_are_graded(tmp_path: Path, old_field: str, new_field: str, level: str, note: str) -> None:
    template = "class M:\n    a: int\n    {field}\n"
    change = _one(_diff(tmp_path, template.format(field=old_field), template.format(field=new_field)))
    assert (change.kind, change.what, change.symbol, change.level, change.note) == (
        "changed",
        "field",
        "pkg.mod.M.b",
        level,
        note,
    )


def test_removed_field_is_an_error(tmp_path: Path) -> None:
    change = _one(_diff(tmp_path, "class M:\n    a: int\n    b: str = ''\n", "class M:\n    a: int\n"))
    assert (change.kind, change.what, change.symbol, change.level, change.old) == (
        "removed",
        "field",
        "pkg.mod.M.b",
        "ERR",
        "str = ...",
    )


def test_enum_member_changes(tmp_path: Path) -> None:
    old = "from enum import Enum\nclass E(Enum):\n    A = 'a'\n    B = 'b'\n    C = 'c'\n"
    new = "from enum import Enum\nclass E(Enum):\n    A = 'a'\n    B = 'bee'\n    D = 'd'\n"
    changes = _diff(tmp_path, old, new)
    assert [(c.level, c.kind, c.what, c.symbol, c.old, c.new) for c in changes] == [
        ("ERR", "changed", "enum-member", "pkg.mod.E.B", "'b'", "'bee'"),
        ("ERR", "removed", "enum-member", "pkg.mod.E.C", "'c'", None),
        ("INFO", "added", "enum-member", "pkg.mod.E.D", None, "'d'"),
    ]


def test_class_changes(tmp_path: Path) -> None:
    changes = _diff(
        tmp_path,
        "class A:\n    x: int\nclass B(dict[str, int]):\n    pass\n",
        "from enum import Enum\nclass A(Enum):\n    X = 1\nclass B(dict[str, int], object):\n    pass\n",
    )
    levels = {(c.symbol, c.what, c.kind): (c.level, c.note) for c in changes}
    assert levels == {
        ("pkg.mod.A", "class", "changed"): ("ERR", "kind other -> enum; new base Enum"),
        ("pkg.mod.A.x", "field", "removed"): ("ERR", None),
        ("pkg.mod.A.X", "enum-member", "added"): ("INFO", None),
        ("pkg.mod.B", "class", "changed"): ("WARN", "new base object"),
    }


def test_a_removed_class_is_one_entry_not_one_per_member(tmp_path: Path) -> None:
    changes = _diff(
        tmp_path,
        "class Gone:\n    a: int\n    def m(self) -> None: ...\nclass Kept:\n    pass\n",
        "class Kept:\n    pass\nclass Fresh:\n    b: int\n",
    )
    assert [(c.level, c.kind, c.what, c.symbol) for c in changes] == [
        ("ERR", "removed", "class", "pkg.mod.Gone"),
        ("INFO", "added", "class", "pkg.mod.Fresh"),
    ]


def test_changes_are_sorted_worst_first_then_by_name(tmp_path: Path) -> None:
    old = "def b() -> None: ...\ndef d(*, x: int) -> int: ...\ndef z(*, x: int) -> int: ...\n"
    new = "def a() -> None: ...\ndef d(*, x: int) -> str: ...\ndef z(*, x: int, y: int = 0) -> int: ...\n"
    changes = _diff(tmp_path, old, new)
    assert [(c.level, c.symbol) for c in changes] == [
        ("ERR", "pkg.mod.b"),
        ("WARN", "pkg.mod.d"),
        ("INFO", "pkg.mod.a"),
        ("INFO", "pkg.mod.z"),
    ]


def test_a_renamed_module_is_noted_on_both_sides(tmp_path: Path) -> None:
    operation = "def sync(*, client: object, q: str = '') -> int: ...\ndef asyncio(*, client: object) -> int: ...\n"
    old = _surface(tmp_path / "old", {"api/old_name.py": operation, "api/other.py": "def sync() -> None: ...\n"})
    unrelated = "def sync() -> int: ...\n"
    new = _surface(
        tmp_path / "new",
        {"api/new_name.py": operation, "api/other.py": "def sync() -> None: ...\n", "api/x.py": unrelated},
    )
    notes = {(c.kind, c.symbol): (c.level, c.note) for c in compare(old, new)}
    assert notes == {
        ("removed", "pkg.api.old_name.asyncio"): ("ERR", "probably renamed to pkg.api.new_name.asyncio"),
        ("removed", "pkg.api.old_name.sync"): ("ERR", "probably renamed to pkg.api.new_name.sync"),
        ("added", "pkg.api.new_name.asyncio"): ("INFO", "probably renamed from pkg.api.old_name.asyncio"),
        ("added", "pkg.api.new_name.sync"): ("INFO", "probably renamed from pkg.api.old_name.sync"),
        ("added", "pkg.api.x.sync"): ("INFO", None),
    }


def test_a_renamed_class_that_names_itself_is_still_recognised(tmp_path: Path) -> None:
    old = "class Person:\n    name: str\n    def copy(self) -> 'Person': ...\n"
    new = "class Human:\n    name: str\n    def copy(self) -> 'Human': ...\n"
    changes = _diff(tmp_path, old, new)
    assert [(c.kind, c.symbol, c.note) for c in changes] == [
        ("removed", "pkg.mod.Person", "probably renamed to pkg.mod.Human"),
        ("added", "pkg.mod.Human", "probably renamed from pkg.mod.Person"),
    ]


def test_no_rename_is_claimed_when_the_members_differ(tmp_path: Path) -> None:
    changes = _diff(tmp_path, "class Person:\n    name: str\n", "class Human:\n    name: str\n    age: int = 0\n")
    assert [c.note for c in changes] == [None, None]


def test_format_api_changes(tmp_path: Path) -> None:
    old = "class M:\n    a: int\ndef f(*, x: int) -> int: ...\ndef g() -> None: ...\n"
    new = "class M:\n    a: str\ndef f(*, x: int, y: int = 0) -> int: ...\nasync def h(*, z: int) -> None: ...\n"
    assert format_api_changes(_diff(tmp_path, old, new)) == [
        "ERR changed field pkg.mod.M.a: str (annotation int -> str)",
        "ERR removed function pkg.mod.g() -> None",
        "INFO changed function pkg.mod.f(*, x: int, y: int = ...) -> int (new optional parameter y)",
        "INFO added function pkg.mod.h(*, z: int) -> None [async]",
    ]


# ---------------------------------------------------------------------------------------
# api_impact: a real spec change, generated twice
# ---------------------------------------------------------------------------------------


def test_api_impact_of_a_changed_curated_spec(tmp_path: Path) -> None:
    vendor = get_vendor("amplemarket")
    document = load_document(vendor.curated)
    document["paths"]["/people/find"]["get"]["operationId"] = "find_person"
    del document["components"]["schemas"]["response_person_object"]["properties"]["headline"]
    document["paths"]["/users"]["get"]["parameters"].append(
        {"name": "team", "in": "query", "required": False, "schema": {"type": "string"}}
    )
    changed = tmp_path / "openapi.yaml"
    write_yaml(changed, document)

    changes = api_impact(vendor.curated, changed, vendor)

    old_module = "amplemarket_api.api.people_enrichment.single_person_enrichment"
    new_module = "amplemarket_api.api.people_enrichment.find_person"
    entry_points = ("asyncio", "asyncio_detailed", "parse_response", "request_kwargs", "sync", "sync_detailed")
    by_key = {(c.kind, c.symbol): c for c in changes}
    for name in entry_points:
        removed = by_key[("removed", f"{old_module}.{name}")]
        added = by_key[("added", f"{new_module}.{name}")]
        assert (removed.level, removed.what, removed.note) == ("ERR", "function", f"probably renamed to {added.symbol}")
        assert (added.level, added.what, added.note) == ("INFO", "function", f"probably renamed from {removed.symbol}")
        assert removed.old == added.new

    headline = by_key[("removed", "amplemarket_api.models.person.Person.headline")]
    assert (headline.level, headline.what, headline.old) == ("ERR", "field", "None | str | Unset = ...")

    users = [c for c in changes if c.symbol.startswith("amplemarket_api.api.users.get_users.")]
    assert {c.symbol.rsplit(".", 1)[1] for c in users} == {
        "asyncio",
        "asyncio_detailed",
        "request_kwargs",
        "sync",
        "sync_detailed",
    }
    assert {(c.kind, c.level, c.note) for c in users} == {("changed", "INFO", "new optional parameter team")}
    assert all("team: str | Unset = ..." in (c.new or "") for c in users)

    # Nothing else moved: 6 renamed entry points on each side, 1 field, 5 widened functions.
    assert len(changes) == 6 + 6 + 1 + 5
    lines = format_api_changes(changes)
    assert "ERR removed field amplemarket_api.models.person.Person.headline: None | str | Unset = ..." in lines
    assert any(line.startswith(f"ERR removed function {old_module}.sync(*, client: ") for line in lines)
