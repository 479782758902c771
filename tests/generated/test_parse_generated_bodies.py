"""Bodies written by a tool we did not write parse the same on the strict and the tolerant path.

Schemathesis generates the bodies: each documented response schema of the curated spec becomes the
request body of an operation of a throwaway spec (same components), and Schemathesis's public
``as_strategy()`` draws from it, adding keys the spec does not declare (its objects are open), odd
strings (lone surrogates, control characters), big and tiny numbers.  Some bodies therefore take the
strict msgspec path and others fall back to the tolerant one; both are counted.  Each body goes through
the generated endpoint's parser (``types.parse_model``) and must equal ``Model.from_dict(json.loads(body))``,
the stock tolerant path, in ``to_dict()`` and in ``repr``.
"""

from __future__ import annotations

import json
from typing import Any

import hypothesis
import hypothesis.strategies as st
import pytest
import schemathesis

from tests.generated.test_decoding import _tolerant
from tests.generated.test_tolerance import CASES, Case


def _closed(node: Any) -> Any:
    """``node`` with every object schema that declares properties closed (``additionalProperties: false``;
    the curated specs say ``true`` on purpose, the API adding fields freely)."""
    if isinstance(node, list):
        return [_closed(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _closed(value) for key, value in node.items()}
    if "properties" in out and out.get("additionalProperties", True) is True:
        out["additionalProperties"] = False
    return out


def _strategies(cases: list[Case], closed: bool) -> list[tuple[Case, st.SearchStrategy[Any]]]:
    """(case, a strategy of Schemathesis cases whose ``body`` follows the case's response schema)."""
    document = _closed(cases[0].document) if closed else cases[0].document
    paths = {
        f"/r{index}": {
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _closed(case.schema) if closed else case.schema}},
                },
                "responses": {"200": {"description": "unused"}},
            }
        }
        for index, case in enumerate(cases)
    }
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "response bodies", "version": "1"},
        "paths": paths,
        "components": document.get("components") or {},
    }
    loaded = schemathesis.openapi.from_dict(spec)
    return [(case, loaded[f"/r{index}"]["POST"].as_strategy()) for index, case in enumerate(cases)]


_BUILT: dict[tuple[str, bool], dict[str, st.SearchStrategy[Any]]] = {}


def _strategy(case: Case, closed: bool) -> st.SearchStrategy[Any]:
    """The bodies of ``case`` (one throwaway spec per package and kind, built once)."""
    key = (case.package, closed)
    if key not in _BUILT:
        cases = [c for c in CASES if c.package == case.package]
        _BUILT[key] = {c.id: strategy for c, strategy in _strategies(cases, closed)}
    return _BUILT[key][case.id]


def _distinct(cases: list[Case]) -> list[Case]:
    """One case per response schema of each vendor (the error responses share one, for instance)."""
    seen: dict[tuple[str, str], Case] = {}
    for case in cases:
        seen.setdefault((case.package, json.dumps(case.schema, sort_keys=True)), case)
    return list(seen.values())


SCHEMAS = _distinct(CASES)


@pytest.mark.parametrize("objects", ["open", "closed"])
@pytest.mark.parametrize("case", SCHEMAS, ids=[c.id for c in SCHEMAS])
def test_generated_bodies_parse_as_the_tolerant_path_does(case: Case, objects: str) -> None:
    """Open objects: Schemathesis adds undeclared keys, so most bodies fall back.  Closed objects (the same
    schemas with ``additionalProperties: false``): the bodies are what the spec documents, so the strict
    path takes them whenever the model has a strict decoder, large nested ones (enrichment pages) included."""
    fast = __import__(f"{case.package}._fast", fromlist=["STRICT"])
    types_module = __import__(f"{case.package}.types", fromlist=["decode_json"])
    paths = {"strict": 0, "tolerant": 0}
    real_decode = types_module.decode_json
    strategy = _strategy(case, closed=objects == "closed")
    models: set[type] = set()

    def counting(content: bytes | str) -> Any:
        paths["tolerant"] += 1
        return real_decode(content)

    @hypothesis.settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(data=st.data())
    def check(data: st.DataObject) -> None:
        body = data.draw(strategy).body
        raw = json.dumps(body).encode()
        before = paths["tolerant"]
        parsed = _tolerant(case, raw)
        assert parsed is not None, body
        models.add(type(parsed))
        if paths["tolerant"] == before:
            paths["strict"] += 1
        reference = type(parsed).from_dict(json.loads(raw))
        assert parsed.to_dict() == reference.to_dict()
        assert repr(parsed) == repr(reference)

    types_module.decode_json = counting
    try:
        check()
    finally:
        types_module.decode_json = real_decode
    (model,) = models
    if model not in fast.STRICT:
        assert paths["strict"] == 0, paths  # no strict decoder: every body takes the tolerant path
    elif objects == "closed":
        # documented bodies; one may still fall back (a lone surrogate, an integer beyond 64 bits)
        assert paths["strict"] >= paths["tolerant"], paths


def test_most_response_models_have_a_strict_decoder_and_both_paths_are_drawn() -> None:
    """What the per-case test covers: the strict path for most responses, the fallback for all."""
    strict = [c for c in SCHEMAS if _model_of(c) in __import__(f"{c.package}._fast", fromlist=["STRICT"]).STRICT]
    assert len(strict) >= 0.8 * len(SCHEMAS), [c.id for c in SCHEMAS if c not in strict]


def _model_of(case: Case) -> type:
    from tests._specdata import synthesize

    full, _ = synthesize(case.document, case.schema)
    parsed = _tolerant(case, json.dumps(full).encode())
    assert parsed is not None
    return type(parsed)
