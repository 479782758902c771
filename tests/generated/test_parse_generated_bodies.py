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


def _cases(package: str) -> list[Case]:
    return [case for case in CASES if case.package == package]


@pytest.mark.parametrize("objects", ["open", "closed"])
@pytest.mark.parametrize("package", ["amplemarket_api", "apollo_api"])
def test_generated_bodies_parse_as_the_tolerant_path_does(package: str, objects: str) -> None:
    """Open objects: Schemathesis adds undeclared keys, so most bodies fall back.  Closed objects (the same
    schemas with ``additionalProperties: false``): the bodies are what the spec documents, so the strict
    path takes nearly all of those whose model has a strict decoder, the large nested ones included."""
    fast = __import__(f"{package}._fast", fromlist=["STRICT"])
    types_module = __import__(f"{package}.types", fromlist=["decode_json"])
    paths = {"strict": 0, "tolerant": 0}
    real_decode = types_module.decode_json

    def counting(content: bytes | str) -> Any:
        paths["tolerant"] += 1
        return real_decode(content)

    strategies = _strategies(_cases(package), closed=objects == "closed")
    strict_models: set[str] = set()

    @hypothesis.settings(
        max_examples=400,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(data=st.data(), index=st.integers(0, len(strategies) - 1))
    def check(data: st.DataObject, index: int) -> None:
        case, strategy = strategies[index]
        body = data.draw(strategy).body
        raw = json.dumps(body).encode()
        before = paths["tolerant"]
        parsed = _tolerant(case, raw)
        assert parsed is not None, (case.id, body)
        if paths["tolerant"] == before and type(parsed) in fast.STRICT:
            paths["strict"] += 1
            strict_models.add(type(parsed).__name__)
        reference = type(parsed).from_dict(json.loads(raw))
        assert parsed.to_dict() == reference.to_dict()
        assert repr(parsed) == repr(reference)

    types_module.decode_json = counting
    try:
        check()
    finally:
        types_module.decode_json = real_decode
    if objects == "open":  # both paths were exercised by the generated bodies
        assert paths["strict"] >= 50, paths
        assert paths["tolerant"] >= 100, paths
    else:
        assert paths["strict"] >= 300, paths
        # a page of enrichment results nests persons, companies, experiences... all built from Structs
        assert "PersonEnrichment" in strict_models or package != "amplemarket_api", sorted(strict_models)
