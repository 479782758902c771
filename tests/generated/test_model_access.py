"""Reading a generated model: an absent field is ``None`` (never ``Unset``), and still told apart from ``null``.

An optional field is stored privately (``_email``, ``UNSET`` when absent) and read through a property
typed without ``Unset``; ``types.fields_set``/``is_set`` say which fields were given (by Python name),
``to_dict()`` omits exactly the absent ones, and ``repr`` names the model by a few identifying fields.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs
import httpx
import pytest

from amplemarket.testing import Simulator
from amplemarket_api.models import Company, LocationDetails, PeopleSearchRequest, Person, PersonGender
from amplemarket_api.types import UNSET, Unset, field_names, fields_set, is_set
from apicore.contract import Contract
from generator.vendors import VENDORS
from tests._cassettes import body as cassette_body
from tests._cassettes import interactions
from tests._specdata import curated, endpoint_modules

ROOT = Path(__file__).resolve().parents[1]
CASSETTES = {
    "amplemarket": sorted((ROOT / "recorded" / "cassettes").rglob("*.yaml")),
    "apollo": sorted((ROOT / "apollo" / "recorded" / "cassettes").rglob("*.yaml")),
}
PACKAGES = sorted(VENDORS[name].package for name in ("amplemarket", "apollo"))
LEAKS = ("Unset", "UNSET", " object at 0x")


@pytest.fixture(scope="module")
def rich() -> Person:
    """A person as ``client.people.find`` returns it from the simulator: email, phones and company revealed."""
    sim = Simulator(seed=7)
    return sim.client().people.find(email=sim.people.email_of(3), reveal_email=True, reveal_phone_numbers=True)


def _exposed(package: str) -> dict[str, Any]:
    """Every name of ``<package>.models.__all__`` (the package imports each on first use, PEP 562)."""
    models = importlib.import_module(f"{package}.models")
    return {name: getattr(models, name) for name in models.__all__}


def _models(package: str) -> list[type[Any]]:
    return sorted(
        (cls for cls in _exposed(package).values() if isinstance(cls, type) and attrs.has(cls)),
        key=lambda c: c.__name__,
    )


def _optional(cls: type[Any]) -> list[attrs.Attribute[Any]]:
    """The privately stored fields of a model (its optional ones)."""
    return [a for a in attrs.fields(cls) if a.init and a.name != a.alias]


# --------------------------------------------------------------------------- absent, null, present


def test_an_absent_field_reads_as_none_and_is_not_set() -> None:
    person = Person.from_dict({"name": "Ada Lovelace"})
    assert person.email is None
    assert person.company is None
    assert person.phone_numbers is None
    assert fields_set(person) == {"name"}
    assert not is_set(person, "email")
    assert person.to_dict() == {"name": "Ada Lovelace"}


def test_a_null_field_reads_as_none_but_is_set() -> None:
    person = Person.from_dict({"name": "Ada Lovelace", "email": None, "company": None})
    assert person.email is None
    assert person.company is None
    assert fields_set(person) == {"name", "email", "company"}
    assert is_set(person, "email")
    assert is_set(person, "company")
    assert person.to_dict() == {"name": "Ada Lovelace", "email": None, "company": None}


def test_fields_set_uses_python_names_and_leaves_unknown_fields_to_additional_properties() -> None:
    person = Person.from_dict({"object": "person", "email": "a@example.com", "added_later": 1})
    assert fields_set(person) == {"object_", "email"}  # the attribute name, not the JSON name "object"
    assert person.additional_properties == {"added_later": 1}
    assert is_set(person, "object_")
    with pytest.raises(AttributeError, match="no field 'object'"):
        is_set(person, "object")
    with pytest.raises(TypeError):
        fields_set(object())


def test_required_fields_are_always_set() -> None:
    from apollo_api.models import BulkMatchRequest

    request = BulkMatchRequest(details=[])
    assert fields_set(request) == {"details"}
    assert field_names(BulkMatchRequest) == ("details",)


def test_field_names_are_the_constructor_keywords() -> None:
    names = field_names(PeopleSearchRequest)
    assert "person_titles" in names
    assert "page_size" in names
    assert not any(name.startswith("_") for name in names)
    assert "additional_properties" not in names
    assert set(names) == set(inspect.signature(PeopleSearchRequest).parameters)
    assert field_names(PeopleSearchRequest()) == names


def test_assignment_makes_a_field_present_and_del_makes_it_absent_again() -> None:
    person = Person.from_dict({"name": "Ada Lovelace"})
    person.email = "ada@example.com"
    assert person.email == "ada@example.com"
    assert is_set(person, "email")
    person.title = None
    assert person.to_dict() == {"name": "Ada Lovelace", "email": "ada@example.com", "title": None}
    del person.email
    assert person.email is None
    assert not is_set(person, "email")
    assert person.to_dict() == {"name": "Ada Lovelace", "title": None}


def test_constructor_keywords_equality_and_open_enums_are_unchanged() -> None:
    person = Person(email="ada@example.com", gender=PersonGender("zz_value_added_later"))
    assert fields_set(person) == {"email", "gender"}
    assert person.gender is not None
    assert not person.gender.is_known
    assert person.to_dict() == {"email": "ada@example.com", "gender": "zz_value_added_later"}
    assert Person.from_dict(person.to_dict()) == person
    assert Person(email=None) != Person(), "null and absent are different values"
    assert attrs.evolve(person, email="b@example.com").email == "b@example.com"


def test_round_trip_keeps_absent_null_and_unknown(rich: Person) -> None:
    body = rich.to_dict()
    body["about"] = None
    del body["headline"]
    body["company"]["added_later"] = {"x": [1, None]}
    parsed = Person.from_dict(copy.deepcopy(body))
    assert parsed.to_dict() == body
    assert is_set(parsed, "about")
    assert not is_set(parsed, "headline")
    assert parsed.company is not None
    assert parsed.company.additional_properties == {"added_later": {"x": [1, None]}}


# --------------------------------------------------------------------------- repr


def test_a_rich_person_has_a_short_repr_of_its_identifying_fields(rich: Person) -> None:
    text = repr(rich)
    assert text.startswith("Person(id='")
    assert text.endswith(")")
    assert f"name={rich.name!r}" in text
    assert f"email={rich.email!r}" in text
    assert len(text) <= 200, text
    assert str(rich) == text
    assert "headline" not in text
    assert "company" not in text
    assert not any(leak in text for leak in LEAKS)
    assert len(repr(rich.to_dict())) > 1000, "the repr is short because it is chosen, not because the person is"


def test_repr_shows_only_set_non_null_identifying_fields_and_counts_otherwise() -> None:
    assert repr(Person(name="Ada Lovelace", email=None, about="x")) == "Person(name='Ada Lovelace')"
    assert repr(LocationDetails(city="Lisbon", country=None)) == "LocationDetails(2 fields set)"
    assert repr(LocationDetails.from_dict({"city": "Lisbon", "zz": 1})) == "LocationDetails(2 fields set)"
    assert repr(LocationDetails()) == "LocationDetails(0 fields set)"
    assert repr(Company(name="x" * 500)) == f"Company(name='{'x' * 57}\u2026')"
    assert repr(UNSET) == "UNSET"


def test_a_long_repr_is_cut_at_200_characters() -> None:
    person = Person(**dict.fromkeys(("name", "email", "linkedin_url", "title"), "y" * 80))
    text = repr(person)
    assert len(text) <= 200, text
    assert text.endswith(", \u2026)"), text


# --------------------------------------------------------------------------- types


@pytest.mark.parametrize("package", PACKAGES)
def test_public_attributes_are_typed_without_unset(package: str) -> None:
    namespace = {**vars(importlib.import_module(f"{package}.types")), **_exposed(package)}
    checked = 0
    for cls in _models(package):
        module = vars(importlib.import_module(cls.__module__))
        for field in _optional(cls):
            assert field.alias is not None
            accessor = inspect.getattr_static(cls, field.alias)
            assert isinstance(accessor, property), f"{cls.__name__}.{field.alias}"
            assert accessor.fset is not None
            assert accessor.fdel is not None
            read = typing.get_type_hints(accessor.fget, {**namespace, **module})["return"]
            written = typing.get_type_hints(accessor.fset, {**namespace, **module})["value"]
            assert Unset not in typing.get_args(read), f"{cls.__name__}.{field.alias}"
            assert read is not Unset
            assert type(None) in typing.get_args(read) or read is type(None), f"{cls.__name__}.{field.alias}"
            assert Unset not in typing.get_args(written)
            assert written is not Unset
            assert "Unset" in str(field.type), "the storage keeps Unset: it is what to_dict() omits"
            checked += 1
    assert checked > (300 if package == "amplemarket_api" else 150)


def test_the_types_mypy_sees(tmp_path: Path) -> None:
    """mypy --strict (as test_package checks the whole package) sees ``str | None``, not ``str | None | Unset``."""
    import shutil
    import subprocess
    import sys

    consumer = tmp_path / "consumer.py"
    consumer.write_text(
        "from typing import assert_type\n"
        "from amplemarket_api.models import Company, Person\n"
        "from amplemarket_api.types import fields_set, is_set\n"
        "def check(p: Person) -> frozenset[str]:\n"
        "    assert_type(p.email, str | None)\n"
        "    assert_type(p.company, Company | None)\n"
        "    p.email = None\n"
        "    p.email = 'a@example.com'\n"
        "    del p.email\n"
        "    assert_type(is_set(p, 'email'), bool)\n"
        "    return fields_set(Person(email='a@example.com', name=None))\n",
        encoding="utf-8",
    )
    shutil.copytree(VENDORS["amplemarket"].generated_dir, tmp_path / "amplemarket_api")
    completed = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "consumer.py"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


# --------------------------------------------------------------------------- no Unset anywhere


def _tree(value: Any) -> Iterator[Any]:
    """Every model, list and value reachable from a parsed model through its public attributes."""
    yield value
    if attrs.has(type(value)):
        for name in field_names(value):
            yield from _tree(getattr(value, name))
        for item in getattr(value, "additional_properties", {}).values():
            yield from _tree(item)
    elif isinstance(value, list):
        for item in value:
            yield from _tree(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _tree(item)


def _recorded(vendor: str) -> Iterator[tuple[str, Any]]:
    """Each recorded JSON response of ``vendor``, parsed by its generated endpoint."""
    contract = Contract(curated(vendor))
    package = VENDORS[vendor].package
    client = importlib.import_module(package).Client(base_url="https://api.example.invalid")
    for cassette in CASSETTES[vendor]:
        for interaction in interactions(cassette):
            request, response = interaction["request"], interaction["response"]
            found = contract.match(request["method"], urlsplit(request["uri"]).path)
            content = cassette_body(response.get("body"))
            if found is None or not content.startswith((b"{", b"[")):
                continue
            module = endpoint_modules(package)[found[0].operation_id]
            reply = httpx.Response(int(response["status"]["code"]), content=content)
            yield f"{cassette.stem}:{found[0].operation_id}", module._parse_response(client=client, response=reply)


@pytest.mark.parametrize("vendor", ["amplemarket", "apollo"])
def test_no_repr_or_str_of_a_recorded_response_shows_unset(vendor: str) -> None:
    parsed = list(_recorded(vendor))
    assert len(parsed) > (30 if vendor == "amplemarket" else 10)
    models = 0
    for where, top in parsed:
        for value in _tree(top):
            assert value is not UNSET, where
            if attrs.has(type(value)):
                models += 1
                for text in (repr(value), str(value)):
                    assert not any(leak in text for leak in LEAKS), f"{where}: {text}"
                    assert len(text) <= 200, f"{where}: {text}"
    assert models > (100 if vendor == "amplemarket" else 50)


def test_no_attribute_of_a_simulated_person_is_unset(rich: Person) -> None:
    for value in _tree(rich):
        assert not isinstance(value, Unset)
        assert not any(leak in repr(value) for leak in LEAKS)
    row = [str(getattr(rich, name)) for name in field_names(rich)]  # what a CSV writer puts in the cells
    assert not any(leak in cell for cell in row for leak in LEAKS)
