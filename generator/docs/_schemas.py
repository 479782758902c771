"""Small shared vocabulary: table types as JSON schemas, coarse type names, naming and path matching.

Harvest and drift must agree on what a documented type means and on when two paths are the
same operation, so both use these helpers.
"""

from __future__ import annotations

import json
import re
from typing import Any

from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker

__all__ = [
    "as_dict",
    "as_list",
    "coarse_type",
    "compatible",
    "example_problem",
    "guess_template",
    "match_template",
    "path_key",
    "pointer",
    "repair_json",
    "resolve",
    "schema_name",
    "snake",
    "table_type_schema",
    "title_words",
]

_PRIMITIVES: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "str": {"type": "string"},
    "text": {"type": "string"},
    "url": {"type": "string"},
    "uri": {"type": "string"},
    "email": {"type": "string"},
    "enum": {"type": "string"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "date-time": {"type": "string", "format": "date-time"},
    "timestamp": {"type": "string", "format": "date-time"},
    "uuid": {"type": "string", "format": "uuid"},
    "integer": {"type": "integer"},
    "int": {"type": "integer"},
    "number": {"type": "number"},
    "float": {"type": "number"},
    "double": {"type": "number"},
    "decimal": {"type": "number"},
    "boolean": {"type": "boolean"},
    "bool": {"type": "boolean"},
    "object": {"type": "object"},
    "hash": {"type": "object"},
    "map": {"type": "object"},
    "dict": {"type": "object"},
}
_ID_SEGMENT = re.compile(r"^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,})$", re.I)
_VARIABLE = re.compile(r"\{\{?\s*([^{}]*?)\s*\}?\}|:(\w+)|<(\w+)>")


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` if it is a mapping, else an empty one (documents from the web are not trusted to be well formed)."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` if it is a list, else an empty one."""
    return value if isinstance(value, list) else []


def snake(text: str) -> str:
    """``Enrichment Request Result`` -> ``enrichment_request_result``."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def title_words(slug: str) -> str:
    """``people-enrichment`` -> ``People Enrichment``."""
    return " ".join(word[:1].upper() + word[1:] for word in re.split(r"[-_\s]+", slug) if word)


def schema_name(object_name: str) -> str:
    """The vendor-style component name of a documented object: ``Person`` -> ``response_person_object``."""
    return f"response_{snake(object_name)}_object"


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _ref(object_words: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{schema_name(object_words)}"}


def table_type_schema(raw: str) -> dict[str, Any] | None:
    """The JSON schema for a type as written in a docs table, or None when it is not a type we know.

    ``array of strings`` -> array of string items; ``Company object`` and ``object of type
    company`` -> ``$ref`` to ``response_company_object``; ``array of errors`` -> array of
    ``response_error_object``.  (The caller replaces references to objects nobody describes.)
    """
    text = re.sub(r"\s+", " ", raw.replace("\\", "").replace("`", "")).strip().strip(".").lower()
    if not text:
        return None
    if text in _PRIMITIVES:
        return dict(_PRIMITIVES[text])
    if text in {"array", "list"}:
        return {"type": "array", "items": {}}
    array = re.fullmatch(r"(?:array|list) of (.+)", text)
    if array:
        inner = array[1].strip()
        singular = _singular(inner)
        items = _PRIMITIVES.get(singular) or _PRIMITIVES.get(inner)
        if items is None:
            inner_object = re.fullmatch(r"(.+?) objects?", inner)
            items = _ref(inner_object[1] if inner_object else " ".join(_singular(w) for w in inner.split()))
        return {"type": "array", "items": dict(items)}
    named = re.fullmatch(r"object of type (.+)|(.+?) object", text)
    if named:
        return _ref(named[1] or named[2])
    return None


def resolve(document: Any, node: Any, *, limit: int = 32) -> Any:
    """Follow local ``$ref`` chains inside ``document``; unresolvable references come back unchanged."""
    for _ in range(limit):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/")):
            return node
        target: Any = document
        for part in node["$ref"][2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, dict) or part not in target:
                return node
            target = target[part]
        node = target
    return node


def coarse_type(schema: Any, document: Any = None, *, depth: int = 0) -> str | None:
    """A schema's type at the level docs tables speak of: ``string``, ``array of integer``, ``object``...

    None means "not known" (no type, a composition, an unresolvable reference to something that
    is not an object): comparisons skip it.
    """
    if not isinstance(schema, dict) or depth > 8:
        return None
    if "$ref" in schema:
        target = resolve(document, schema) if document is not None else schema
        if target is schema or "$ref" in target:
            return "object"
        return coarse_type(target, document, depth=depth + 1)
    if isinstance(schema.get("allOf"), list):
        for member in schema["allOf"]:
            found = coarse_type(member, document, depth=depth + 1)
            if found:
                return found
        return None
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "array":
        inner = coarse_type(schema.get("items"), document, depth=depth + 1)
        return f"array of {inner}" if inner else "array"
    if isinstance(kind, str):
        return kind
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    return None


def compatible(first: str | None, second: str | None) -> bool:
    """Whether two coarse types agree (unknown agrees with anything; a bare ``array`` with any array)."""
    if first is None or second is None or first == second:
        return True
    if first == "array" and second.startswith("array"):
        return True
    if second == "array" and first.startswith("array"):
        return True
    if first.startswith("array of ") and second.startswith("array of "):
        return compatible(first[9:], second[9:])
    return False


def path_key(path: str) -> str:
    """A path with its variables blanked, so ``/lead-lists/{id}`` and ``/lead-lists/{list_id}`` compare equal."""
    path = path.split("?", 1)[0]
    path = "/" + path.strip("/") if path.strip("/") else "/"
    return _VARIABLE.sub("{}", path)


def _segments(path: str) -> list[str]:
    return [segment for segment in path.split("?", 1)[0].strip("/").split("/") if segment]


def match_template(literal: str, templates: list[str]) -> str | None:
    """The template that a concrete path from an example request instantiates (best literal match wins)."""
    parts = _segments(path_key(literal))
    best: tuple[int, str] | None = None
    for template in sorted(set(templates)):
        template_parts = _segments(path_key(template))
        if len(template_parts) != len(parts):
            continue
        score = 0
        for have, want in zip(parts, template_parts, strict=True):
            if have == want:
                score += 1
            elif want != "{}":
                break
        else:
            if best is None or score > best[0]:
                best = (score, template)
    return best[1] if best else None


def guess_template(literal: str) -> str:
    """A template for a concrete path no known operation matches: ids and ``{{id}}`` become ``{id}``."""
    parts = []
    used: set[str] = set()
    for segment in _segments(literal):
        variable = _VARIABLE.fullmatch(segment)
        if variable or _ID_SEGMENT.match(segment):
            name = next((group for group in variable.groups() if group), "id") if variable else "id"
            name = snake(name) or "id"
            while name in used:
                name += "_2"
            used.add(name)
            parts.append("{" + name + "}")
        else:
            parts.append(segment)
    return "/" + "/".join(parts)


def pointer(*parts: str) -> str:
    """A JSON pointer from unescaped parts: ``pointer("paths", "/a/b", "get")`` -> ``/paths/~1a~1b/get``."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


_JSON_TOKEN = re.compile(
    r'\s+|//[^\n{}\[\]"]*|(?P<string>"(?:[^"\\]|\\.)*")|(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)'
    r"|(?P<literal>true|false|null)|(?P<punct>[{}\[\],:])"
)


def repair_json(text: str) -> Any:
    """The value a documented JSON body was meant to be, or None when it is beyond the usual slips.

    The vendor's examples have three kinds of slip: trailing commas, a missing comma between
    members, and ``// ...`` comments.  Used only as evidence of what an example shows; the text
    itself is kept as documented.
    """
    tokens: list[str] = []
    position = 0
    while position < len(text):
        match = _JSON_TOKEN.match(text, position)
        if match is None:
            return None
        position = match.end()
        if match.lastgroup is None:
            continue  # whitespace or a comment
        token = match.group()
        if tokens and token in {"}", "]"} and tokens[-1] == ",":
            tokens.pop()
        elif tokens and _ends_value(tokens[-1]) and _starts_value(token):
            tokens.append(",")
        tokens.append(token)
    try:
        return json.loads("".join(tokens))
    except json.JSONDecodeError:
        return None


def _ends_value(token: str) -> bool:
    return token not in {"{", "[", ",", ":"}


def _starts_value(token: str) -> bool:
    return token not in {"}", "]", ",", ":"}


def example_problem(schema: dict[str, Any], components: dict[str, Any], value: Any) -> str | None:
    """Why ``value`` does not validate against a response ``schema`` (OpenAPI 3.0 rules), or None."""
    root = dict(schema)
    root["components"] = components
    validator = OAS30ReadValidator(root, format_checker=oas30_format_checker)
    errors = sorted(validator.iter_errors(value), key=lambda e: [str(p) for p in e.absolute_path])
    if not errors:
        return None
    error = errors[0]
    where = "".join(f"[{json.dumps(p)}]" if isinstance(p, str) else f"[{p}]" for p in error.absolute_path)
    if error.validator == "type":
        message = f"is not of type {error.validator_value!r}"
    elif error.validator == "enum":
        message = f"{json.dumps(error.instance)[:40]} is not one of the allowed values"
    else:
        message = error.message if len(error.message) <= 160 else error.message[:157] + "..."
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"value{where}: {message}{more}"
