"""What parsing a response into the generated models costs, next to decoding its JSON.

The client hands back attrs models (``amplemarket_api.models``), so every response is decoded twice:
``json.loads`` into dicts and lists, then ``from_dict`` into models (UUIDs, dates, open enums, nested
companies, phone numbers, experiences...).  This measures the second step in units of the first, on
realistic data, because that ratio says how much the typed layer costs whatever the machine:

- one enriched person: a person of the simulator's seeded population with their email and phone
  numbers revealed (``Simulator().people.revealed``), with every field the spec documents that the
  simulator leaves out filled in deterministically (``about``, three experiences, two educations, two
  languages, a second phone number, the company's overview, locations, codes, funding and head
  counts), so that every nested model is built; the bytes are those the API would send;
- a page of 100 enrichment results (``PersonEnrichment``, as ``GET /people/enrichment-requests/{id}``
  returns it from the simulator, each result's person completed the same way), per result.

Each case runs in batches of calls timed by the thread's CPU time (``time.thread_time_ns``: time a
shared machine gives to its neighbours is not counted), interleaved round after round; the figures are
medians over the rounds, and each ratio the median of the ratios within a round (best-of in the
detail).  Targets (issue 16): JSON bytes to a typed person, as the client does it
(``types.parse_model``: msgspec decodes a documented body straight into Structs, from which
``_fast.py`` builds the attrs models; a body it refuses goes to ``decode_json`` and the tolerant
``from_dict``; the garbage collector paused meanwhile), at most 1.5x ``json.loads`` of the same bytes,
and the same per result of the page.  What a refused body costs is printed too (the same bodies with one
undocumented key: the strict attempt, then the tolerant path).  When the person's target is missed, one
cProfile run of ``from_dict`` says where the time goes.

The peer table parses the same person with msgspec Structs, pydantic v2 (tolerant config) and the stock
openapi-python-client generated from the curated spec into a temporary folder, next to ours; each row's
tolerance (a null in every field, an unknown enum value, an unknown field, a malformed date) is probed on
documents built from that person, not asserted.
"""

from __future__ import annotations

import copy
import cProfile
import datetime
import importlib
import json
import pstats
import random
import re
import subprocess
import sys
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pydantic

from amplemarket.testing import Simulator
from amplemarket_api.models import Person, PersonEnrichment
from amplemarket_api.types import decode_json, parse_model
from generator._yamlio import load_document, write_yaml
from generator.generate import PINNED_VERSION
from generator.genview import build_view
from generator.vendors import get_vendor

from ._common import CPU_TIME, Row, Timings, at_most, calibrate, cli, info

__all__ = ["complete_person", "enrichment_page", "main", "measure", "person_bytes"]

SEED = 7
PERSON = 3  # a person with a company, a gender and a start date; any index not GDPR-removed works
TARGET = 1.5
UNDOCUMENTED = "zz_undocumented"
BASE_URL = "https://api.amplemarket.com"

_SCHOOLS = ["University of Lisbon", "TU Berlin", "University of Toronto", "UT Austin", "Imperial College London"]
_FIELDS = ["Computer Science", "Economics", "Marketing", "Mathematics", "Business Administration"]
_LANGUAGES = [("English", "en"), ("Portuguese", "pt"), ("German", "de"), ("Spanish", "es"), ("French", "fr")]
_DEPARTMENTS = ["engineering", "sales", "marketing", "operations", "finance", "human_resources", "support"]
_FUNCTIONS = {
    "engineering": ["software", "data", "devops"],
    "sales": ["account_executive", "sdr", "sales_operations"],
    "marketing": ["growth", "content", "product_marketing"],
}


def complete_person(person: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """``person`` (as the simulator serves it) with every documented field filled."""
    full = copy.deepcopy(person)
    company = full["company"]
    slug = str(company["linkedin_url"]).rsplit("/", 1)[-1]
    full.setdefault("email", f"{str(full['first_name']).lower()}@{slug}.example.com")
    full["gender"] = full.get("gender") or "unknown"
    full["about"] = (
        f"{full['title']} with {rng.randint(5, 25)} years in B2B software, building teams that turn "
        "outbound into pipeline. Previously led revenue operations at two venture-backed start-ups."
    )
    full["current_position_description"] = (
        f"Leads {company['industry']} go-to-market at {company['name']}: strategy, hiring, and forecasting."
    )
    start = int(str(full["current_position_start_date"])[:4])
    experiences = [
        {
            "object": "experience",
            "title": full["title"],
            "company_name": company["name"],
            "company_linkedin_url": company["linkedin_url"],
            "description": full["current_position_description"],
            "start_date": full["current_position_start_date"],
            "end_date": None,
        }
    ]
    for number in range(2):
        end = start - number * 3
        experiences.append(
            {
                "object": "experience",
                "title": rng.choice(["Account Executive", "Sales Manager", "Consultant", "Analyst"]),
                "company_name": f"Previous Employer {number + 1}",
                "company_linkedin_url": f"https://www.linkedin.com/company/previous-employer-{number + 1}",
                "description": "Owned a territory of mid-market accounts; exceeded quota four quarters in a row.",
                "start_date": f"{end - 3}-{rng.randint(1, 12):02d}-01",
                "end_date": f"{end}-{rng.randint(1, 12):02d}-01",
            }
        )
    full["experiences"] = experiences
    full["educations"] = [
        {
            "object": "education",
            "degree": degree,
            "field_of_study": rng.choice(_FIELDS),
            "school_name": school,
            "school_linkedin_url": f"https://www.linkedin.com/school/{school.lower().replace(' ', '-')}",
            "start_date": f"{start - 12 + 4 * number}-09-01",
            "end_date": f"{start - 8 + 4 * number}-07-01",
        }
        for number, (degree, school) in enumerate(zip(["BSc", "MSc"], rng.sample(_SCHOOLS, 2), strict=True))
    ]
    full["languages"] = [
        {"object": "language", "language": name, "iso_code": code, "proficiency": proficiency}
        for (name, code), proficiency in zip(
            rng.sample(_LANGUAGES, 2), ["native_or_bilingual", "professional_working"], strict=True
        )
    ]
    phones = list(full.get("phone_numbers") or [])
    phones.append(
        {
            "object": "phone_number",
            "id": "5b3b8b0e-7f54-4f35-9d4e-2d0f5a0c9e11",
            "number": f"+1 555 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            "type": "office",
            "source": "crm",
        }
    )
    full["phone_numbers"] = phones
    city = company["location_details"]
    company.update(
        overview=f"{company['name']} builds software for {company['industry']} teams.",
        followers=rng.randint(1_000, 90_000),
        locations=[
            {
                "address": f"{rng.randint(1, 900)} Market Street, {city['city']}",
                "is_primary": True,
                "country": city["country"],
                "state": city["state"],
                "city": city["city"],
                "postal_code": f"{rng.randint(10000, 99999)}",
            },
            {
                "address": "1 Rua Augusta, Lisbon",
                "is_primary": False,
                "country": "Portugal",
                "state": "Lisbon",
                "city": "Lisbon",
                "postal_code": "1100-053",
            },
        ],
        logo_url=f"https://logos.example.com/{slug}.png",
        traffic_rank=rng.randint(1_000, 900_000),
        sic_codes=[7372, 7371],
        naics_codes=[511210, 541511],
        total_funding=rng.randint(1, 300) * 1_000_000,
        latest_funding_stage=company.get("latest_funding_stage") or "series_b",
        latest_funding_date=f"{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}-15",
        department_headcount={name: rng.randint(1, 400) for name in _DEPARTMENTS},
        job_function_headcount={
            group: {name: rng.randint(1, 120) for name in names} for group, names in _FUNCTIONS.items()
        },
        revenue=rng.randint(1, 900) * 1_000_000,
    )
    return full


def person_bytes(simulator: Simulator, index: int = PERSON) -> tuple[bytes, bytes]:
    """(the person as the simulator serves it, the same person completed), as JSON bytes."""
    served = simulator.people.revealed(index, email=True, phones=True)
    full = complete_person(served, random.Random(f"{SEED}:{index}"))  # noqa: S311 - test data
    return json.dumps(served).encode(), json.dumps(full).encode()


def enrichment_page(simulator: Simulator, size: int = 100) -> bytes:
    """A completed enrichment job's first page of ``size`` results, from the simulator, persons completed."""
    people = simulator.people
    indices = [i for i in range(size * 2) if not people.gdpr_removed(i)][:size]
    leads = [{"linkedin_url": people.linkedin_of(i)} for i in indices]
    with httpx.Client(transport=simulator.transport(), base_url=BASE_URL, headers=_auth(simulator)) as http:
        started = http.post(
            "/people/enrichment-requests", json={"leads": leads, "reveal_email": True, "reveal_phone_numbers": True}
        )
        started.raise_for_status()
        page = http.get(f"/people/enrichment-requests/{started.json()['id']}", params={"page[size]": size})
        page.raise_for_status()
    body = page.json()
    if body["status"] != "completed" or len(body["results"]) != size:
        raise RuntimeError(f"expected a completed page of {size} results, got {body['status']}")
    for result in body["results"]:
        rng = random.Random(f"{SEED}:{result['result']['id']}")  # noqa: S311 - test data
        result["result"] = complete_person(result["result"], rng)
    return json.dumps(body).encode()


def _auth(simulator: Simulator) -> dict[str, str]:
    return {"Authorization": f"Bearer {simulator.api_key}"}


def _check_round_trip(raw: bytes) -> None:
    """The completed person must parse into models entirely (no field left as raw data) and back."""
    data = json.loads(raw)
    person = Person.from_dict(data)
    if person.to_dict() != data or person.additional_properties:
        raise RuntimeError("the completed person does not round-trip through Person.from_dict/to_dict")
    if not all(type(item).__name__ == "Experience" for item in person.experiences or []):
        raise RuntimeError("experiences were not parsed into Experience models")


def _profile(data: dict[str, Any], calls: int = 2000) -> str:
    """Where ``Person.from_dict`` spends its time: the top functions by own time, and by kind."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        Person.from_dict(data)
    profiler.disable()
    stats = pstats.Stats(profiler)
    entries: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in entries.values()) or 1.0
    kinds: dict[str, float] = defaultdict(float)
    calls_per_parse = sum(entry[1] for entry in entries.values()) / calls
    for (filename, _line, function), entry in entries.items():
        own = entry[2]
        if function == "from_dict":
            kinds["from_dict bodies (incl. defining a closure per field)"] += own
        elif function.startswith("_parse_"):
            kinds["_parse_* closures (one call per field)"] += own
        elif function == "cast" or "typing" in filename:
            kinds["typing.cast"] += own
        elif "enum" in filename or function in {"_missing_", "__call__", "__new__"}:
            kinds["enum lookups"] += own
        elif "uuid" in filename:
            kinds["UUID()"] += own
        elif "attr" in filename or function == "__init__":
            kinds["attrs __init__"] += own
        else:
            label = re.sub(r"^built-in method (builtins\.)?", "", function.strip("<>"))
            kinds[re.sub(r"^method '(\w+)' of '(\w+)' objects$", r"\2.\1", label)] += own
    top = sorted(kinds.items(), key=lambda item: -item[1])[:6]
    shares = ", ".join(f"{name} {100 * own / total:.0f}%" for name, own in top)
    return f"{calls_per_parse:.0f} Python calls per person; own time: {shares}"


def measure(quick: bool = False) -> list[Row]:
    rounds, batch = (7, 0.04) if quick else (15, 0.05)
    simulator = Simulator(seed=SEED, rate_limits=False, job_seconds=0)
    served, full = person_bytes(simulator)
    page = enrichment_page(simulator)
    _check_round_trip(full)
    full_dict, served_dict, page_dict = json.loads(full), json.loads(served), json.loads(page)
    # the same bodies with one undocumented key: msgspec refuses them, so parse_model takes the tolerant path
    odd_full = json.dumps({**full_dict, UNDOCUMENTED: 1}).encode()
    odd_page = json.dumps({**page_dict, UNDOCUMENTED: 1}).encode()
    results = len(page_dict["results"])

    funcs: dict[str, Any] = {
        "person loads": lambda: json.loads(full),
        "person from_dict": lambda: Person.from_dict(full_dict),
        "person loads+from_dict": lambda: Person.from_dict(json.loads(full)),
        "served loads": lambda: json.loads(served),
        "served from_dict": lambda: Person.from_dict(served_dict),
        "page loads": lambda: json.loads(page),
        "page from_dict": lambda: PersonEnrichment.from_dict(page_dict),
        "page loads+from_dict": lambda: PersonEnrichment.from_dict(json.loads(page)),
        "person decode": lambda: decode_json(full),
        "person parse_model": lambda: parse_model(full, Person),
        "page parse_model": lambda: parse_model(page, PersonEnrichment),
        "person tolerant": lambda: parse_model(odd_full, Person),
        "page tolerant": lambda: parse_model(odd_page, PersonEnrichment),
    }
    cases = {name: (func, calibrate(func, batch, clock=CPU_TIME)) for name, func in funcs.items()}
    timings = Timings(cases, clock=CPU_TIME).run(rounds)
    us = {name: timings.median(name) / 1000 for name in funcs}
    best = {name: timings.best(name) / 1000 for name in funcs}
    page_cases = ("page loads", "page from_dict", "page loads+from_dict", "page parse_model", "page tolerant")
    per_result = {name: us[name] / results for name in page_cases}

    ratio = timings.ratio("person parse_model", "person loads")
    best_ratio = best["person parse_model"] / best["person loads"]
    how = f"median of the ratios of {rounds} interleaved rounds; best-of ratio {best_ratio:.2f}"
    headline = at_most(
        "parsing: enriched person",
        "JSON bytes -> Person (parse_model) / json.loads (x)",
        ratio,
        TARGET,
        f"{len(full):,} bytes, {us['person parse_model']:.1f} us vs {us['person loads']:.1f} us; {how}",
        unit="x",
    )
    if not headline["met"]:
        headline["detail"] += f". Missed: {_profile(full_dict)}"
    page_whole = timings.ratio("page parse_model", "page loads")
    page_headline = at_most(
        f"parsing: page of {results} results",
        "JSON bytes -> PersonEnrichment / json.loads, per result (x)",
        page_whole,
        TARGET,
        f"{per_result['page parse_model']:.1f} us vs {per_result['page loads']:.1f} us per result",
        unit="x",
    )
    page_ratio = per_result["page from_dict"] / per_result["page loads"]
    return [
        headline,
        page_headline,
        *peer_rows(full, rounds, batch),
        info(
            "parsing: enriched person",
            "refused body: parse_model / json.loads (x)",
            us["person tolerant"] / us["person loads"],
            f"one undocumented key (as an unknown enum value or a malformed date anywhere would): the strict "
            f"attempt, then decode_json + from_dict; {us['person tolerant']:.1f} us, decode_json alone "
            f"{us['person decode']:.1f} us",
        ),
        info(
            f"parsing: page of {results} results",
            "refused body: parse_model / json.loads, per result (x)",
            per_result["page tolerant"] / per_result["page loads"],
            f"{per_result['page tolerant']:.1f} us per result",
        ),
        info("parsing: enriched person", "json.loads (us)", us["person loads"], f"best {best['person loads']:.1f}"),
        info(
            "parsing: enriched person",
            "Person.from_dict (us)",
            us["person from_dict"],
            f"best {best['person from_dict']:.1f}",
        ),
        info(
            "parsing: enriched person",
            "(json.loads + from_dict) / json.loads (x)",
            us["person loads+from_dict"] / us["person loads"],
            f"the whole path, {us['person loads+from_dict']:.1f} us per person",
        ),
        info(
            "parsing: person as served",
            "Person.from_dict / json.loads (x)",
            us["served from_dict"] / us["served loads"],
            f"the simulator's person without the completed fields ({len(served):,} bytes): "
            f"{us['served from_dict']:.1f} us vs {us['served loads']:.1f} us",
        ),
        info(
            f"parsing: page of {results} results",
            "PersonEnrichment.from_dict / json.loads (x)",
            page_ratio,
            f"{len(page):,} bytes; per result {per_result['page from_dict']:.1f} us vs "
            f"{per_result['page loads']:.1f} us",
        ),
        info(
            f"parsing: page of {results} results",
            "json.loads + from_dict (us per result)",
            per_result["page loads+from_dict"],
            f"whole path over json.loads: {us['page loads+from_dict'] / us['page loads']:.2f}x",
        ),
    ]


# --- peers: the same person parsed by other libraries, and what each tolerates -------------------------------

_MALFORMED_DATE = "sometime in 2019"
_UNKNOWN_ENUM = "prefers_not_to_say"
_UNKNOWN_FIELD = "brand_new_field"


def _view_schemas() -> dict[str, Any]:
    """The curated spec's component schemas as the generator sees them (named, hoisted)."""
    document = load_document(get_vendor("amplemarket").curated)
    config: dict[str, Any] = load_document(get_vendor("amplemarket").config)
    view = build_view(document, config.get("schema_names") or {})
    schemas: dict[str, Any] = view["components"]["schemas"]
    return schemas


class _Types:
    """Python annotations for the view's schemas: msgspec Structs or pydantic models, every field optional.

    Enums are plain strings in both (a closed ``Literal`` would refuse every value the API adds);
    pydantic gets the tolerant config: unknown fields kept (``extra="allow"``), dates and UUIDs
    that do not parse kept as strings (``date | str``).
    """

    def __init__(self, schemas: dict[str, Any], kind: str) -> None:
        self.schemas = schemas
        self.kind = kind
        self.built: dict[str, Any] = {}

    def model(self, name: str) -> Any:
        if name not in self.built:
            self.built[name] = None  # a cycle would read this placeholder
            self.built[name] = self._build(name, self.schemas[name])
        return self.built[name]

    def _build(self, name: str, schema: dict[str, Any]) -> Any:
        fields = [(prop, self.annotation(sub)) for prop, sub in (schema.get("properties") or {}).items()]
        if self.kind == "msgspec":
            rename = {f"{prop.lstrip('_')}_": prop for prop, _ in fields if prop.startswith("_")}
            back = {v: k for k, v in rename.items()}
            spec = [(back.get(prop, prop), annotation | None, None) for prop, annotation in fields]
            return msgspec.defstruct(name, spec, kw_only=True, rename=rename or None)
        definitions: dict[str, Any] = {
            f"{prop.lstrip('_')}_" if prop.startswith("_") else prop: (
                annotation | None,
                pydantic.Field(default=None, alias=prop),
            )
            for prop, annotation in fields
        }
        config = pydantic.ConfigDict(extra="allow", protected_namespaces=())
        return pydantic.create_model(name, __config__=config, **definitions)

    def annotation(self, schema: dict[str, Any]) -> Any:
        if "$ref" in schema:
            target = schema["$ref"].rsplit("/", 1)[-1]
            resolved = self.schemas[target]
            if "properties" in resolved:
                return self.model(target)
            return self.annotation(resolved)
        for key in ("anyOf", "oneOf"):
            if key in schema:
                members = [self.annotation(sub) for sub in schema[key] if sub.get("type") != "null"]
                if self.kind == "msgspec" or len(members) == 1:
                    return members[0] if members else Any  # typed: the first documented form
                union: Any = members[0]
                for member in members[1:]:
                    union = union | member
                return union
        kind = schema.get("type")
        if isinstance(kind, list):
            kinds = [k for k in kind if k != "null"]
            kind = kinds[0] if len(kinds) == 1 else None
        if "enum" in schema or kind == "string":
            strict = {"date": datetime.date, "date-time": datetime.datetime, "uuid": uuid.UUID}.get(
                schema.get("format", "")
            )
            if strict is None or "enum" in schema:
                return str
            return strict if self.kind == "msgspec" else strict | str
        simple = {"integer": int, "number": float, "boolean": bool}
        if kind in simple:
            return simple[kind]
        if kind == "array":
            return list[self.annotation(schema.get("items") or {})]  # type: ignore[misc]
        if kind == "object" or "properties" in schema:
            if schema.get("properties"):
                return Any
            extra = schema.get("additionalProperties")
            return dict[str, self.annotation(extra) if isinstance(extra, dict) else Any]  # type: ignore[misc]
        return Any


def _stock_package(folder: Path) -> Any:
    """openapi-python-client, pinned, run on the curated spec without our templates: its person class."""
    write_yaml(folder / "opc.yaml", {"package_name_override": "stock_amplemarket_api", "post_hooks": []})
    spec = str(get_vendor("amplemarket").curated)
    command = [sys.executable, "-m", "openapi_python_client", "generate", "--path", spec, "--config", "opc.yaml"]
    command += ["--meta", "none", "--output-path", "stock_amplemarket_api"]
    subprocess.run(command, cwd=folder, check=True, capture_output=True)
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module("stock_amplemarket_api.models").ResponsePersonObject
    finally:
        sys.path.remove(str(folder))


def _builtins(value: Any) -> Any:
    """A parsed person as plain data (to look for a value in it, whatever the library)."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    return msgspec.to_builtins(value)


def _probe(parse: Callable[[bytes], Any], person: dict[str, Any]) -> list[str]:
    """Try the four odd documents: "yes" (parsed, the odd value kept), "drops it" or "crashes"."""
    nulls = dict.fromkeys(person)
    odd_enum = {**person, "gender": _UNKNOWN_ENUM}
    odd_field = {**person, _UNKNOWN_FIELD: {"nested": [1, 2]}}
    odd_date = {**person, "current_position_start_date": _MALFORMED_DATE}
    checks: list[tuple[dict[str, Any], Callable[[dict[str, Any]], bool]]] = [
        (nulls, lambda data: all(data.get(key) is None for key in person)),
        (odd_enum, lambda data: data.get("gender") == _UNKNOWN_ENUM),
        (odd_field, lambda data: data.get(_UNKNOWN_FIELD) == {"nested": [1, 2]}),
        (odd_date, lambda data: data.get("current_position_start_date") == _MALFORMED_DATE),
    ]
    verdicts = []
    for document, kept in checks:
        try:
            data = _builtins(parse(json.dumps(document).encode()))
        except Exception:
            verdicts.append("crashes")
            continue
        verdicts.append("yes" if kept(data) else "drops it")
    return verdicts


def peer_parsers(folder: Path) -> dict[str, Callable[[bytes], Any]]:
    """JSON bytes -> a typed person, by each library (the stock generated package is written under ``folder``)."""
    schemas = _view_schemas()
    struct = _Types(schemas, "msgspec").model("Person")
    decoder = msgspec.json.Decoder(struct)
    adapter = pydantic.TypeAdapter(_Types(schemas, "pydantic").model("Person"))
    stock = _stock_package(folder)
    return {
        "msgspec Structs (typed)": decoder.decode,
        "pydantic v2 validate_json (tolerant config)": adapter.validate_json,
        "stock openapi-python-client " + PINNED_VERSION: lambda raw: stock.from_dict(json.loads(raw)),
        "ours: json.loads + from_dict (tolerant path)": lambda raw: Person.from_dict(json.loads(raw)),
        "ours: parse_model (strict msgspec, tolerant fallback), as the client": lambda raw: parse_model(raw, Person),
    }


def peer_rows(full: bytes, rounds: int, batch: float) -> list[Row]:
    """The peer table: each parser's us per person, x json.loads, and its tolerance probed."""
    person = json.loads(full)
    with tempfile.TemporaryDirectory() as tmp:
        parsers = peer_parsers(Path(tmp))
        funcs: dict[str, Any] = {"json.loads": lambda: json.loads(full)}
        funcs.update({name: (lambda parse=parse: parse(full)) for name, parse in parsers.items()})
        cases = {name: (func, calibrate(func, batch, clock=CPU_TIME)) for name, func in funcs.items()}
        timings = Timings(cases, clock=CPU_TIME).run(rounds)
        loads = timings.median("json.loads")
        rows = []
        for name, parse in parsers.items():
            null, enum, field, date = _probe(parse, person)
            us = timings.median(name) / 1000
            rows.append(
                info(
                    f"parsing peers: {name}",
                    "us per person (x json.loads)",
                    us,
                    f"{us * 1000 / loads:.2f}x json.loads; tolerant of null {null} / unknown enum {enum} / "
                    f"unknown field {field} / malformed date {date}",
                )
            )
    return rows


def main() -> None:
    cli(measure, __doc__)


if __name__ == "__main__":
    main()
