"""The Python API impact of a spec change: which public names of the generated package change.

A spec diff says what changed in the API description; users of the client care about
what changes in the code they import.  This module answers that directly:

* ``surface`` reads a package's source with ``ast`` (the code is never imported, so a
  broken or foreign package is safe to read) and records every public module-level
  function, class, annotated class field, enum member and public method, each with a
  normalised text (a signature, an annotation, a value).
* ``compare`` diffs two surfaces and grades each difference: ``ERR`` for what can break
  existing code (a removed name, a changed parameter or field type, a field or parameter
  that became required), ``WARN`` for what may surprise it (a changed return type, new
  base classes), ``INFO`` for additions (a new function, a new optional parameter or
  field).  A removed module or class whose members reappear unchanged under another
  name is flagged as a probable rename.
* ``api_impact`` generates the package from two versions of a curated spec and
  compares the results; ``format_api_changes`` renders one line per change.

Nothing here knows about a particular API: it works on any package of Python sources.
"""

from __future__ import annotations

import ast
import re
import tempfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .generate import generate_into
from .vendors import Vendor

__all__ = [
    "ApiChange",
    "Param",
    "Symbol",
    "api_impact",
    "compare",
    "format_api_changes",
    "surface",
]

What = Literal["function", "class", "field", "enum-member", "method"]
Kind = Literal["added", "removed", "changed"]
Level = Literal["ERR", "WARN", "INFO"]
ParamKind = Literal["positional-only", "positional", "var-positional", "keyword-only", "var-keyword"]
ClassKind = Literal["model", "enum", "other"]

_SEVERITY: dict[Level, int] = {"ERR": 0, "WARN": 1, "INFO": 2}
# Dunder methods kept despite the leading underscore: they are how callers build and call objects.
_PUBLIC_DUNDERS = frozenset({"__init__", "__call__"})
# Decorators (by their resolved dotted name) that turn a class into a data class ("model").
_DATACLASS_DECORATORS = frozenset(
    {
        "attr.attrs",
        "attr.define",
        "attr.dataclass",
        "attr.frozen",
        "attr.mutable",
        "attr.s",
        "attrs.define",
        "attrs.frozen",
        "attrs.mutable",
        "dataclasses.dataclass",
    }
)
_ENUM_BASES = frozenset({"enum.Enum", "enum.Flag", "enum.IntEnum", "enum.IntFlag", "enum.ReprEnum", "enum.StrEnum"})
# Field specifiers (by the last part of their name) and the keywords that give a default.
_FIELD_SPECIFIERS = frozenset({"attrib", "field", "ib"})
_DEFAULT_KEYWORDS = frozenset({"default", "default_factory", "factory"})
_METHOD_DECORATORS = ("classmethod", "staticmethod", "property")


@dataclass(frozen=True)
class Param:
    """One parameter of a function: how it is passed, its annotation and whether it may be left out."""

    name: str
    kind: ParamKind
    annotation: str | None
    has_default: bool

    def render(self) -> str:
        prefix = {"var-positional": "*", "var-keyword": "**"}.get(self.kind, "")
        text = prefix + self.name
        if self.annotation is not None:
            text += f": {self.annotation}"
        if self.has_default:
            text += " = ..." if self.annotation is not None else "=..."
        return text


@dataclass(frozen=True)
class Symbol:
    """One public name of a package and the facts about it that callers depend on.

    ``text`` is the normalised form that is compared and reported: a signature
    ``(params) -> returns [tags]`` for functions and methods, ``(bases) [kind]`` for
    classes, ``annotation`` or ``annotation = ...`` for fields, the value's source for
    enum members.  ``module`` is the dotted module defining it; ``owner`` the module or
    class that contains it.
    """

    what: What
    module: str
    owner: str
    text: str
    params: tuple[Param, ...] = ()
    returns: str | None = None
    tags: tuple[str, ...] = ()
    class_kind: ClassKind | None = None
    bases: tuple[str, ...] = ()
    annotation: str | None = None
    required: bool = False
    value: str | None = None


@dataclass(frozen=True)
class ApiChange:
    """One difference between two surfaces; ``note`` says why it got its level, or names a probable rename."""

    kind: Kind
    symbol: str
    what: What
    old: str | None
    new: str | None
    level: Level
    note: str | None = None


# ---------------------------------------------------------------------------------------
# Reading a package
# ---------------------------------------------------------------------------------------


def _is_public(name: str) -> bool:
    return not name.startswith("_")


def _module_name(package_dir: Path, package: str, path: Path) -> str | None:
    parts = list(path.relative_to(package_dir).with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    if any(not _is_public(part) for part in parts):
        return None
    return ".".join([package, *parts])


def _annotation(node: ast.expr | None) -> str | None:
    """Source text of an annotation; a quoted forward reference is unquoted (``"Client"`` -> ``Client``)."""
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            return ast.unparse(ast.parse(node.value, mode="eval").body)
        except SyntaxError:
            return node.value
    return ast.unparse(node)


def _params(args: ast.arguments, *, skip_first: bool) -> tuple[Param, ...]:
    params: list[Param] = []
    positional = [*args.posonlyargs, *args.args]
    first_default = len(positional) - len(args.defaults)
    for index, arg in enumerate(positional):
        kind: ParamKind = "positional-only" if index < len(args.posonlyargs) else "positional"
        params.append(Param(arg.arg, kind, _annotation(arg.annotation), index >= first_default))
    if args.vararg is not None:
        params.append(Param(args.vararg.arg, "var-positional", _annotation(args.vararg.annotation), False))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        params.append(Param(arg.arg, "keyword-only", _annotation(arg.annotation), default is not None))
    if args.kwarg is not None:
        params.append(Param(args.kwarg.arg, "var-keyword", _annotation(args.kwarg.annotation), False))
    if skip_first and params and params[0].kind in ("positional-only", "positional"):
        params.pop(0)
    return tuple(params)


def _render_params(params: Iterable[Param]) -> str:
    """Parameters as Python writes them, with ``/`` after positional-only ones and a bare ``*``."""
    pieces: list[str] = []
    listed = list(params)
    star_seen = any(p.kind == "var-positional" for p in listed)
    for index, param in enumerate(listed):
        if param.kind == "keyword-only" and not star_seen:
            pieces.append("*")
            star_seen = True
        pieces.append(param.render())
        following = listed[index + 1].kind if index + 1 < len(listed) else None
        if param.kind == "positional-only" and following != "positional-only":
            pieces.append("/")
    return ", ".join(pieces)


def _signature_text(params: tuple[Param, ...], returns: str | None, tags: tuple[str, ...]) -> str:
    text = f"({_render_params(params)})"
    if returns is not None:
        text += f" -> {returns}"
    if tags:
        text += f" [{', '.join(tags)}]"
    return text


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    if isinstance(node, ast.Call):
        return _dotted(node.func)
    return None


class _Imports:
    """Local names bound by ``import``/``from ... import`` in a module, resolved to dotted origins."""

    def __init__(self, tree: ast.Module) -> None:
        self.names: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    self.names[alias.asname or alias.name.split(".")[0]] = (
                        alias.name if alias.asname else alias.name.split(".")[0]
                    )
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    self.names[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def resolve(self, node: ast.expr) -> str | None:
        dotted = _dotted(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        origin = self.names.get(head, head)
        return f"{origin}.{rest}" if rest else origin


def _function_symbol(
    node: ast.FunctionDef | ast.AsyncFunctionDef, *, what: What, module: str, owner: str, imports: _Imports
) -> Symbol:
    tags: list[str] = []
    if isinstance(node, ast.AsyncFunctionDef):
        tags.append("async")
    decorators = {(imports.resolve(d) or "").rsplit(".", 1)[-1] for d in node.decorator_list}
    tags += [name for name in _METHOD_DECORATORS if name in decorators]
    skip_first = what == "method" and "staticmethod" not in tags
    params = _params(node.args, skip_first=skip_first)
    returns = _annotation(node.returns)
    return Symbol(
        what=what,
        module=module,
        owner=owner,
        text=_signature_text(params, returns, tuple(tags)),
        params=params,
        returns=returns,
        tags=tuple(tags),
    )


def _is_field_specifier(value: ast.expr | None, imports: _Imports) -> bool:
    """``field(...)``, ``attrs.field(...)``, ``attr.ib(...)``, also when imported under another name."""
    if not isinstance(value, ast.Call):
        return False
    return (imports.resolve(value.func) or "").rsplit(".", 1)[-1] in _FIELD_SPECIFIERS


def _field_has_default(value: ast.expr | None, imports: _Imports) -> bool:
    if value is None:
        return False
    if isinstance(value, ast.Call) and _is_field_specifier(value, imports):
        # ``init=False`` fields are not constructor arguments, so never required.
        keywords = {kw.arg: kw.value for kw in value.keywords if kw.arg}
        init = keywords.get("init")
        not_in_init = isinstance(init, ast.Constant) and init.value is False
        return not_in_init or bool(_DEFAULT_KEYWORDS & keywords.keys()) or bool(value.args)
    return True


def _field_name(name: str, value: ast.expr | None, imports: _Imports) -> str | None:
    """The public name of a field: its own, or the ``alias=`` a field specifier gives a private one."""
    if _is_public(name):
        return name
    if isinstance(value, ast.Call) and _is_field_specifier(value, imports):
        for keyword in value.keywords:
            alias = keyword.value
            if keyword.arg == "alias" and isinstance(alias, ast.Constant) and isinstance(alias.value, str):
                return alias.value if _is_public(alias.value) else None
    return None


def _class_kind(node: ast.ClassDef, imports: _Imports, local_enums: set[str]) -> ClassKind:
    for base in node.bases:
        resolved = imports.resolve(base) or ""
        # A base imported from elsewhere in the package is taken for an enum when its name says so.
        if resolved in _ENUM_BASES or resolved in local_enums or resolved.endswith("Enum"):
            return "enum"
    if any(imports.resolve(d) in _DATACLASS_DECORATORS for d in node.decorator_list):
        return "model"
    return "other"


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Top-level statements, descending into ``if``/``try`` blocks (conditional definitions)."""
    for node in body:
        if isinstance(node, ast.If):
            yield from _statements(node.body)
            yield from _statements(node.orelse)
        elif isinstance(node, ast.Try):
            yield from _statements(node.body)
            for handler in node.handlers:
                yield from _statements(handler.body)
            yield from _statements(node.orelse)
            yield from _statements(node.finalbody)
        else:
            yield node


def _class_symbols(
    node: ast.ClassDef, *, qualname: str, module: str, owner: str, imports: _Imports, local_enums: set[str]
) -> dict[str, Symbol]:
    kind = _class_kind(node, imports, local_enums)
    if kind == "enum":
        local_enums.add(node.name)
    bases = tuple(ast.unparse(b) for b in node.bases) + tuple(ast.unparse(k) for k in node.keywords)
    text = f"({', '.join(bases)}) [{kind}]" if bases else f"[{kind}]"
    found = {qualname: Symbol(what="class", module=module, owner=owner, text=text, class_kind=kind, bases=bases)}
    for item in _statements(node.body):
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            existing = found.get(f"{qualname}.{item.name}")
            if existing is not None and existing.what == "field":
                continue  # the accessors of a privately stored field (``_x = field(alias="x")``): the field says it
            if _is_public(item.name) or item.name in _PUBLIC_DUNDERS:
                found[f"{qualname}.{item.name}"] = _function_symbol(
                    item, what="method", module=module, owner=qualname, imports=imports
                )
        elif isinstance(item, ast.ClassDef) and _is_public(item.name):
            found.update(
                _class_symbols(
                    item,
                    qualname=f"{qualname}.{item.name}",
                    module=module,
                    owner=qualname,
                    imports=imports,
                    local_enums=local_enums,
                )
            )
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            name = _field_name(item.target.id, item.value, imports)
            if name is None:
                continue
            annotation = _annotation(item.annotation) or ""
            required = not _field_has_default(item.value, imports)
            found[f"{qualname}.{name}"] = Symbol(
                what="field",
                module=module,
                owner=qualname,
                text=annotation if required else f"{annotation} = ...",
                annotation=annotation,
                required=required,
            )
        elif kind == "enum" and isinstance(item, ast.Assign) and len(item.targets) == 1:
            target = item.targets[0]
            if isinstance(target, ast.Name) and _is_public(target.id):
                value = ast.unparse(item.value)
                found[f"{qualname}.{target.id}"] = Symbol(
                    what="enum-member", module=module, owner=qualname, text=value, value=value
                )
    return found


def _module_symbols(tree: ast.Module, module: str) -> dict[str, Symbol]:
    imports = _Imports(tree)
    found: dict[str, Symbol] = {}
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    classes: dict[str, str] = {}
    local_enums: set[str] = set()
    for node in _statements(tree.body):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            functions[node.name] = node
            if _is_public(node.name):
                found[f"{module}.{node.name}"] = _function_symbol(
                    node, what="function", module=module, owner=module, imports=imports
                )
        elif isinstance(node, ast.ClassDef):
            classes[node.name] = f"{module}.{node.name}"
            if _is_public(node.name):
                found.update(
                    _class_symbols(
                        node,
                        qualname=f"{module}.{node.name}",
                        module=module,
                        owner=module,
                        imports=imports,
                        local_enums=local_enums,
                    )
                )
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Name):
            # A public alias of a function defined here (``parse_response = _parse_response``)
            # is a public function with that function's signature.
            target_function = functions.get(node.value.id)
            if target_function is None:
                continue
            for target in node.targets:
                if isinstance(target, ast.Name) and _is_public(target.id):
                    found[f"{module}.{target.id}"] = _function_symbol(
                        target_function, what="function", module=module, owner=module, imports=imports
                    )
    return found


def surface(package_dir: Path, package: str) -> dict[str, Symbol]:
    """Every public name of the package at ``package_dir`` (importable as ``package``), by qualified name.

    Modules and names starting with ``_`` are skipped (``__init__.py`` stands for its
    package; ``__init__`` and ``__call__`` methods are kept), as are imports: a re-export
    is reported where the name is defined.  Module-level plain variables are not part of
    the surface, except public aliases of functions defined in the same module.
    """
    found: dict[str, Symbol] = {}
    for path in sorted(package_dir.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        module = _module_name(package_dir, package, path)
        if module is None:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found.update(_module_symbols(tree, module))
    return dict(sorted(found.items()))


# ---------------------------------------------------------------------------------------
# Comparing two surfaces
# ---------------------------------------------------------------------------------------


def _worst(levels: Iterable[Level]) -> Level:
    return min(levels, key=_SEVERITY.__getitem__, default="INFO")


def _signature_changes(old: Symbol, new: Symbol) -> list[tuple[Level, str]]:
    reasons: list[tuple[Level, str]] = []
    old_by_name = {p.name: p for p in old.params}
    new_by_name = {p.name: p for p in new.params}
    for param in old.params:
        now = new_by_name.get(param.name)
        if now is None:
            reasons.append(("ERR", f"parameter {param.name} removed"))
            continue
        if now.kind != param.kind:
            reasons.append(("ERR", f"parameter {param.name} is now {now.kind} (was {param.kind})"))
        if now.annotation != param.annotation:
            reasons.append(("ERR", f"parameter {param.name}: {param.annotation} -> {now.annotation}"))
        if param.has_default and not now.has_default:
            reasons.append(("ERR", f"parameter {param.name} became required"))
        elif now.has_default and not param.has_default:
            reasons.append(("INFO", f"parameter {param.name} became optional"))
    old_positional = [p.name for p in old.params if p.kind in ("positional-only", "positional")]
    new_positional = [p.name for p in new.params if p.kind in ("positional-only", "positional")]
    if [n for n in new_positional if n in old_positional] != [n for n in old_positional if n in new_positional]:
        reasons.append(("ERR", "positional parameters reordered"))
    for index, param in enumerate(new.params):
        if param.name in old_by_name:
            continue
        if param.kind in ("var-positional", "var-keyword"):
            reasons.append(("INFO", f"new parameter {param.render()}"))
        elif not param.has_default:
            reasons.append(("ERR", f"new required parameter {param.name}"))
        elif param.kind == "keyword-only":
            reasons.append(("INFO", f"new optional parameter {param.name}"))
        else:
            # A defaulted positional parameter is harmless only after every old positional one.
            later = [p.name for p in new.params[index + 1 :] if p.kind in ("positional-only", "positional")]
            shifts = any(name in old_by_name for name in later)
            text = f"new optional parameter {param.name}"
            reasons.append(("ERR", f"{text} shifts the positional parameters after it") if shifts else ("INFO", text))
    if old.returns != new.returns:
        reasons.append(("WARN", f"returns {new.returns} (was {old.returns})"))
    for tag in sorted(set(old.tags) ^ set(new.tags)):
        gained = tag in new.tags
        reasons.append(("ERR", f"{'now' if gained else 'no longer'} {tag}"))
    return reasons


def _changes_between(old: Symbol, new: Symbol) -> list[tuple[Level, str]]:
    if old.what != new.what:
        return [("ERR", f"was {old.what}, now {new.what}")]
    if old.what in ("function", "method"):
        return _signature_changes(old, new)
    reasons: list[tuple[Level, str]] = []
    if old.what == "field":
        if old.annotation != new.annotation:
            reasons.append(("ERR", f"annotation {old.annotation} -> {new.annotation}"))
        if new.required and not old.required:
            reasons.append(("ERR", "became required"))
        elif old.required and not new.required:
            reasons.append(("INFO", "became optional"))
    elif old.what == "class":
        if old.class_kind != new.class_kind:
            reasons.append(("ERR", f"kind {old.class_kind} -> {new.class_kind}"))
        lost = [b for b in old.bases if b not in new.bases]
        gained = [b for b in new.bases if b not in old.bases]
        if lost:
            reasons.append(("ERR", f"lost base {', '.join(lost)}"))
        if gained:
            reasons.append(("WARN", f"new base {', '.join(gained)}"))
    elif old.what == "enum-member":
        reasons.append(("ERR", f"value {old.value} -> {new.value}"))
    return reasons


def _containers(symbols: dict[str, Symbol]) -> dict[str, tuple[str, dict[str, Symbol]]]:
    """Modules and classes -> (kind key, their members keyed by name relative to the container)."""
    found: dict[str, tuple[str, dict[str, Symbol]]] = {}
    for name, symbol in symbols.items():
        found.setdefault(symbol.module, ("module", {}))[1][name[len(symbol.module) + 1 :]] = symbol
    classes = [name for name, symbol in symbols.items() if symbol.what == "class"]
    for cls in classes:
        module = symbols[cls].module
        members = {
            name[len(cls) + 1 :]: symbol
            for name, symbol in symbols.items()
            if name.startswith(cls + ".") and symbol.module == module
        }
        found[cls] = (f"class {symbols[cls].text}", members)
    return found


def _fingerprint(name: str, kind: str, members: dict[str, Symbol]) -> tuple[str, ...] | None:
    """What a container holds, with its own name blanked out (a class may name itself in annotations)."""
    if not members:
        return None
    short = re.compile(rf"\b{re.escape(name.rsplit('.', 1)[-1])}\b")
    return (kind, *sorted(f"{rel} {s.what} {short.sub('@', s.text)}" for rel, s in members.items()))


def _rename_notes(old: dict[str, Symbol], new: dict[str, Symbol]) -> dict[str, str]:
    """Removed and added symbols that sit in a container which probably got renamed -> a note."""
    old_containers, new_containers = _containers(old), _containers(new)
    added_by_print: dict[tuple[str, ...], list[str]] = {}
    for name in sorted(new_containers.keys() - old_containers.keys()):
        fingerprint = _fingerprint(name, *new_containers[name])
        if fingerprint is not None:
            added_by_print.setdefault(fingerprint, []).append(name)
    notes: dict[str, str] = {}
    # Deepest containers first, so that a renamed module's note (written later) wins over a class's.
    for name in sorted(old_containers.keys() - new_containers.keys(), key=lambda n: (-n.count("."), n)):
        fingerprint = _fingerprint(name, *old_containers[name])
        targets = added_by_print.get(fingerprint) if fingerprint is not None else None
        if not targets:
            continue
        members = old_containers[name][1]
        is_class = old[name].what == "class" if name in old else False
        for rel in [*([""] if is_class else []), *members]:
            suffix = f".{rel}" if rel else ""
            notes[name + suffix] = "probably renamed to " + " or ".join(t + suffix for t in targets)
            for target in targets:
                notes[target + suffix] = f"probably renamed from {name}{suffix}"
    return notes


def _owner_chain(name: str, symbols: dict[str, Symbol]) -> Iterator[str]:
    owner = symbols[name].owner
    while owner in symbols:
        yield owner
        owner = symbols[owner].owner


def _join(*parts: str | None) -> str | None:
    text = "; ".join(p for p in parts if p)
    return text or None


def compare(old: dict[str, Symbol], new: dict[str, Symbol]) -> list[ApiChange]:
    """Every difference between two surfaces, graded, worst first then by name.

    The members of a class that was added or removed as a whole are not listed on
    their own: the class's entry covers them.
    """
    renames = _rename_notes(old, new)
    changes: list[ApiChange] = []
    for name in sorted(old.keys() - new.keys()):
        if any(owner not in new for owner in _owner_chain(name, old)):
            continue
        symbol = old[name]
        changes.append(ApiChange("removed", name, symbol.what, symbol.text, None, "ERR", renames.get(name)))
    for name in sorted(new.keys() - old.keys()):
        if any(owner not in old for owner in _owner_chain(name, new)):
            continue
        symbol = new[name]
        required_field = symbol.what == "field" and symbol.required
        level: Level = "ERR" if required_field else "INFO"
        note = _join("new required field" if required_field else None, renames.get(name))
        changes.append(ApiChange("added", name, symbol.what, None, symbol.text, level, note))
    for name in sorted(old.keys() & new.keys()):
        before, after = old[name], new[name]
        if before == after:
            continue
        reasons = _changes_between(before, after)
        if not reasons:
            reasons = [("INFO", "order changed")]
        changes.append(
            ApiChange(
                "changed",
                name,
                after.what,
                before.text,
                after.text,
                _worst(level for level, _ in reasons),
                "; ".join(text for _, text in reasons),
            )
        )
    order = {"removed": 0, "changed": 1, "added": 2}
    changes.sort(key=lambda c: (_SEVERITY[c.level], c.symbol, order[c.kind]))
    return changes


# ---------------------------------------------------------------------------------------
# From specs to changes, and to text
# ---------------------------------------------------------------------------------------


def api_impact(old_spec: Path, new_spec: Path, vendor: Vendor) -> list[ApiChange]:
    """Generate ``vendor``'s package from both specs (in temporary folders) and compare the surfaces."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with ThreadPoolExecutor(max_workers=2) as pool:
            old_future = pool.submit(generate_into, vendor, root / "old", curated=old_spec)
            new_future = pool.submit(generate_into, vendor, root / "new", curated=new_spec)
            old_dir, new_dir = old_future.result(), new_future.result()
        return compare(surface(old_dir, vendor.package), surface(new_dir, vendor.package))


def _display(symbol: str, what: What, text: str) -> str:
    if what == "field":
        return f"{symbol}: {text}"
    if what == "enum-member":
        return f"{symbol} = {text}"
    return f"{symbol}{text}" if text.startswith("(") else f"{symbol} {text}"


def format_api_changes(changes: Iterable[ApiChange]) -> list[str]:
    """One line per change: ``LEVEL kind what name<signature or type> (note)``."""
    lines: list[str] = []
    for change in changes:
        text = change.new if change.new is not None else change.old
        line = f"{change.level} {change.kind} {change.what} {_display(change.symbol, change.what, text or '')}"
        if change.note:
            line += f" ({change.note})"
        lines.append(line)
    return lines
