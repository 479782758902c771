"""What ``import amplemarket`` imports, and that the lazily exposed names are the real ones.

``amplemarket``, ``amplemarket_api`` (and ``apollo_api``) and their ``models`` packages expose their names
through a module ``__getattr__`` (PEP 562): a program imports the generated models and endpoint modules it
uses, when it first uses them.  The imports are checked in fresh interpreters (``sys.modules``); timings
are for ``make bench`` (benchmarks/generation.py), not for tests.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GENERATED_PACKAGES = ("amplemarket_api", "apollo_api")


def _modules_after(code: str) -> set[str]:
    """``sys.modules`` of a fresh interpreter after running ``code``."""
    program = f"{code}\nimport json as _json, sys as _sys\nprint(_json.dumps(sorted(_sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def _generated(modules: set[str], kind: str) -> set[str]:
    return {name for name in modules if name.startswith(f"amplemarket_api.{kind}.")}


def test_import_amplemarket_imports_no_generated_module_nor_httpx() -> None:
    modules = _modules_after("import amplemarket")
    assert not _generated(modules, "models")
    assert not _generated(modules, "api")
    assert not {"httpx", "attrs", "amplemarket._client", "amplemarket_api.client"} & modules


def test_the_client_class_imports_no_model_or_endpoint_module_until_an_operation_needs_it() -> None:
    modules = _modules_after("from amplemarket import Amplemarket, AsyncAmplemarket, errors")
    assert not _generated(modules, "models")
    assert not _generated(modules, "api")
    assert "asyncio" not in _modules_after("from amplemarket import Amplemarket")  # only async users pay for it

    used = _modules_after(
        "from amplemarket import _ops\n"
        "request = _ops.find_person(email='jane@example.com')\n"
        "assert request.call.method == 'GET'"
    )
    endpoints = {name for name in _generated(used, "api") if name.count(".") == 3}  # not the tag packages
    assert endpoints == {"amplemarket_api.api.people_enrichment.single_person_enrichment"}
    assert "amplemarket_api.models.person" in used
    assert "amplemarket_api.models.lead_list" not in used  # a model no operation used so far


def test_a_client_works_after_a_lazy_import() -> None:
    modules = _modules_after(
        "from amplemarket import Amplemarket\n"
        "with Amplemarket(api_key='k') as am:\n"
        "    assert am.people is not None\n"
        "from amplemarket_api.models import Person\n"
        "assert Person.from_dict({'id': 'p1'}).id == 'p1'"
    )
    assert "amplemarket_api.models.person" in modules


@pytest.mark.parametrize("package", GENERATED_PACKAGES)
def test_every_lazily_exposed_model_is_the_submodules_own_and_listed(package: str) -> None:
    models = importlib.import_module(f"{package}.models")
    names = list(models.__all__)
    assert len(names) > 5
    assert set(names) <= set(dir(models))
    for name in names:
        value = getattr(models, name)
        defined_in = sys.modules[value.__module__]
        assert value.__module__.startswith(f"{package}.models."), name
        assert getattr(defined_in, name) is value, name
        assert importlib.import_module(value.__module__).__dict__[name] is value
    namespace: dict[str, object] = {}
    exec(f"from {package}.models import *", namespace)  # noqa: S102 - the star import sees the same names
    assert {name for name in namespace if not name.startswith("__")} == set(names)


@pytest.mark.parametrize("package", GENERATED_PACKAGES)
def test_the_generated_package_exposes_its_clients_lazily(package: str) -> None:
    root = importlib.import_module(package)
    client = importlib.import_module(f"{package}.client")
    assert root.Client is client.Client
    assert root.AuthenticatedClient is client.AuthenticatedClient
    assert {"Client", "AuthenticatedClient"} <= set(dir(root))
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        getattr(root, "Nope")  # noqa: B009


def test_unknown_names_raise_attribute_error() -> None:
    import amplemarket
    import amplemarket_api.models

    for module in (amplemarket, amplemarket_api.models):
        with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
            getattr(module, "Nope")  # noqa: B009


def test_every_public_name_of_amplemarket_resolves() -> None:
    import amplemarket
    import apicore
    from amplemarket import _async_client, _client, errors

    assert set(amplemarket.__all__) <= set(dir(amplemarket))
    for name in amplemarket.__all__:
        assert getattr(amplemarket, name) is not None, name
    assert amplemarket.Amplemarket is _client.Amplemarket
    assert amplemarket.AsyncAmplemarket is _async_client.AsyncAmplemarket
    assert amplemarket.errors is errors
    assert amplemarket.Job is apicore.Job
    assert amplemarket.RateLimiter is apicore.RateLimiter
