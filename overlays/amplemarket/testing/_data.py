"""A seeded, deterministic population of people and companies for the simulator.

Person ``i`` (0 <= i < size) is always the same for the same seed; nothing is stored
until asked for, so a population of 100,000 costs nothing until it is searched.

A search reads compact columns instead of building 100,000 people: each person's title and
place come from one hash (cheap for everyone), and the seeded identity (name and employer,
which the emails are made of) is derived for the people a filter still needs, once per
process and seed.
"""

from __future__ import annotations

import _random
import hashlib
import json
import random
import threading
import uuid
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import compress
from typing import Any

FIRST = [
    "Ana",
    "Ben",
    "Carla",
    "Dmitri",
    "Eva",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "Jon",
    "Kira",
    "Luis",
    "Maya",
    "Nils",
    "Olga",
    "Pedro",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
    "Uma",
    "Victor",
    "Wen",
    "Xavier",
    "Yara",
    "Zoe",
]
LAST = [
    "Silva",
    "Meyer",
    "Okafor",
    "Larsen",
    "Costa",
    "Novak",
    "Tanaka",
    "Haddad",
    "Ferreira",
    "Kowalski",
    "Moreau",
    "Nakamura",
    "Olsen",
    "Pereira",
    "Quiroga",
    "Rossi",
    "Santos",
    "Teixeira",
    "Urban",
    "Varga",
    "Weber",
    "Young",
]
TITLES = [
    "CEO",
    "CTO",
    "VP of Sales",
    "Head of Marketing",
    "Account Executive",
    "Software Engineer",
    "Sales Development Representative",
    "Product Manager",
    "Data Scientist",
    "Customer Success Manager",
]
INDUSTRIES = [
    "Software Development",
    "Financial Services",
    "Hospitals and Health Care",
    "Retail",
    "Staffing and Recruiting",
    "Manufacturing",
    "Education",
    "Marketing Services",
]
PLACES = [
    ("San Francisco", "California", "United States"),
    ("New York", "New York", "United States"),
    ("Lisbon", "Lisbon", "Portugal"),
    ("Berlin", "Berlin", "Germany"),
    ("London", "England", "United Kingdom"),
    ("Toronto", "Ontario", "Canada"),
    ("Austin", "Texas", "United States"),
]
SIZES = [
    "1-10 employees",
    "11-50 employees",
    "51-200 employees",
    "201-500 employees",
    "501-1,000 employees",
    "1,001-5,000 employees",
    "10001+ employees",
]
WORDS = ["Blue", "North", "Quantum", "Bright", "Iron", "Atlas", "Nimbus", "Vertex", "Coral", "Summit", "Pixel", "Echo"]
KINDS = ["Labs", "Systems", "Health", "Capital", "Retail", "Works", "Logic", "Cloud"]
COMPANY_TYPES = ["Privately Held", "Public Company", "Partnership", "Self Owned"]
STAGES = ["seed", "series_a", "series_b", "series_c", "private_equity", None]
REVENUES = ["$0-$1M", "$1M-$10M", "$10M-$100M", "$100M-$1B", "$1B+"]
GENDERS = ["male", "female", "likely_male", "likely_female", "unknown", None]
TECHNOLOGIES = ["Salesforce", "HubSpot", "AWS", "React", "Snowflake", "Zendesk", "Stripe", "Slack"]


class Population:
    """``size`` people working at ``companies`` companies, all derived from ``seed``."""

    def __init__(self, seed: int = 42, size: int = 100_000, companies: int = 2_000) -> None:
        self.seed = seed
        self.size = size
        self.companies = companies
        self._namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"amplemarket-simulator/{seed}")
        self._companies: dict[str, int] | None = None
        self._shared: _Columns | None = None
        self.person = lru_cache(maxsize=4096)(self._person)
        self.company = lru_cache(maxsize=4096)(self._company)

    def _rng(self, kind: str, index: int) -> random.Random:
        return random.Random(f"{self.seed}:{kind}:{index}")  # noqa: S311 - test data, not secrets

    @property
    def _columns(self) -> _Columns:
        if self._shared is None:
            self._shared = _shared_columns(self)
        return self._shared

    def _uuid(self, kind: str, index: int) -> str:
        return str(uuid.uuid5(self._namespace, f"{kind}:{index}"))

    # ------------------------------------------------------------------ companies
    def _company(self, index: int) -> dict[str, Any]:
        rng = self._rng("company", index)
        name = f"{rng.choice(WORDS)} {rng.choice(KINDS)} {index}"
        slug = name.lower().replace(" ", "-")
        city, state, country = rng.choice(PLACES)
        return {
            "id": self._uuid("company", index),
            "object": "company",
            "name": name,
            "website": f"https://{slug}.example.com",
            "linkedin_url": f"https://www.linkedin.com/company/{slug}",
            "keywords": rng.sample(["sales", "saas", "ai", "fintech", "health", "b2b", "analytics"], 3),
            "estimated_number_of_employees": rng.randint(3, 20_000),
            "size": rng.choice(SIZES),
            "industry": rng.choice(INDUSTRIES),
            "location": f"{city}, {state}, {country}",
            "location_details": {"city": city, "state": state, "country": country},
            "founded_year": rng.randint(1950, 2024),
            "type": rng.choice(COMPANY_TYPES),
            "latest_funding_stage": rng.choice(STAGES),
            "estimated_revenue": rng.choice(REVENUES),
            "is_b2b": rng.random() < 0.8,
            "is_b2c": rng.random() < 0.3,
            "technologies": rng.sample(TECHNOLOGIES, 2),
        }

    def company_domain(self, index: int) -> str:
        return str(self.company(index)["website"]).removeprefix("https://")

    # ------------------------------------------------------------------ people
    def _identity(self, index: int) -> tuple[str, str, int]:
        rng = self._rng("person", index)
        return rng.choice(FIRST), rng.choice(LAST), rng.randrange(self.companies)

    def email_of(self, index: int) -> str:
        first, last, company = self._identity(index)
        return f"{first.lower()}.{last.lower()}.{index}@{self.company_domain(company)}"

    def linkedin_of(self, index: int) -> str:
        first, last, _ = self._identity(index)
        return f"https://www.linkedin.com/in/{first.lower()}-{last.lower()}-{index}"

    def phone_of(self, index: int) -> str:
        return f"+1 555 {index % 1000:03d} {index // 1000 % 10000:04d}"

    def gdpr_removed(self, index: int) -> bool:
        """A few people were removed for privacy reasons (found, but 451 / gdpr_removed)."""
        return index % 211 == 17

    def _profile(self, index: int) -> tuple[int, int, int, int, int, int]:
        """Place, title, headline title, gender, start year and month, from one hash of the person."""
        return _profile_code(self.seed, index)

    def _person(self, index: int) -> dict[str, Any]:
        first, last, company = self._identity(index)
        place, title, headline, gender, year, month = self._profile(index)
        city, state, country = PLACES[place]
        return {
            "id": self._uuid("person", index),
            "object": "person",
            "name": f"{first} {last}",
            "first_name": first,
            "last_name": last,
            "linkedin_url": self.linkedin_of(index),
            "title": TITLES[title],
            "headline": f"{TITLES[headline]} at {self.company(company)['name']}",
            "location": f"{city}, {state}, {country}",
            "location_details": {"city": city, "state": state, "country": country},
            "gender": GENDERS[gender],
            "current_position_start_date": f"{2005 + year}-{month + 1:02d}-01",
            "image_url": f"https://images.example.com/people/{index}.jpg",
            "company": self.company(company),
        }

    def revealed(self, index: int, *, email: bool, phones: bool) -> dict[str, Any]:
        """The person, with the email and phone numbers when they were asked for."""
        found = dict(self.person(index))
        if email:
            found["email"] = self.email_of(index)
        if phones:
            found["phone_numbers"] = [
                {
                    "object": "phone_number",
                    "id": self._uuid("phone", index),
                    "number": self.phone_of(index),
                    "type": "mobile",
                    "source": "amplemarket",
                }
            ]
        return found

    # ------------------------------------------------------------------ lookups
    def index_from_email(self, email: str) -> int | None:
        local = email.split("@", 1)[0]
        tail = local.rsplit(".", 1)[-1]
        if tail.isdigit() and int(tail) < self.size and self.email_of(int(tail)).lower() == email.lower():
            return int(tail)
        return None

    def index_from_linkedin(self, url: str) -> int | None:
        tail = url.rstrip("/").rsplit("-", 1)[-1]
        if tail.isdigit() and int(tail) < self.size and self.linkedin_of(int(tail)) == url.rstrip("/"):
            return int(tail)
        return None

    def _company_index(self) -> dict[str, int]:
        """Company domain and lower-case name -> company index."""
        if self._companies is None:
            found: dict[str, int] = {}
            for index in range(self.companies):
                found.setdefault(self.company_domain(index), index)
                found.setdefault(str(self.company(index)["name"]).lower(), index)
            self._companies = found
        return self._companies

    def find(self, query: Mapping[str, Any]) -> int | None:
        """The person the identifiers point to (email, LinkedIn URL, or name with a company)."""
        if query.get("email"):
            return self.index_from_email(str(query["email"]))
        if query.get("linkedin_url"):
            return self.index_from_linkedin(str(query["linkedin_url"]))
        name = str(query.get("name") or "").lower()
        company = str(query.get("company_domain") or query.get("company_name") or "").lower()
        if name and company:
            pair = _NAME_PAIRS.get(name)
            employer = self._company_index().get(company)
            if pair is None or employer is None:
                return None
            return self._columns.first_with((*pair, employer))
        return None

    # ------------------------------------------------------------------ search
    def search(self, filters: Mapping[str, Any]) -> Sequence[int]:
        """The indexes of the people matching the search ``filters``, in order (``matches`` for each, fast)."""
        active = {key: filters[key] for key in SEARCH_FILTERS if filters.get(key)}
        if not active:
            return range(self.size)
        key = json.dumps(active, sort_keys=True, default=str)
        columns = self._columns
        found = columns.cached(key)
        if found is None:
            found = columns.remember(key, self._search(active))
        return found

    def _search(self, active: Mapping[str, Any]) -> list[int]:
        columns = self._columns
        candidates: Sequence[int] = range(self.size)
        if "person_titles" in active or "person_locations" in active:
            titles = _allowed(active.get("person_titles"), TITLES)
            places = _allowed(active.get("person_locations"), [", ".join(place) for place in PLACES])
            codes = {place * len(TITLES) + title for place in places for title in titles}
            if not codes:
                return []
            selected = bytes(1 if code in codes else 0 for code in range(256))
            candidates = list(compress(range(self.size), columns.profiles().translate(selected)))
        employers: set[int] | None = None
        for name, field in _COMPANY_FILTERS:
            if name in active:
                texts = [str(self.company(index)[field]) for index in range(self.companies)]
                allowed = _allowed(active[name], texts)
                employers = allowed if employers is None else employers & allowed
        pairs: set[int] | None = None  # first * 256 + last
        if "person_name" in active:
            wanted = str(active["person_name"]).lower()
            pairs = {first * 256 + last for text, (first, last) in _NAME_PAIRS.items() if wanted in text}
        if employers is None and pairs is None:
            return list(candidates)
        if employers == set() or pairs == set():
            return []
        columns.fill(candidates)
        firsts, lasts, companies = columns.first, columns.last, columns.company
        return [
            i
            for i in candidates
            if (employers is None or companies[i] in employers)
            and (pairs is None or firsts[i] * 256 + lasts[i] in pairs)
        ]

    def matches(self, index: int, filters: Mapping[str, Any]) -> bool:
        person = self.person(index)
        company = person["company"]
        checks = {
            "person_titles": person["title"],
            "person_locations": person["location"],
            "company_names": company["name"],
            "company_industries": company["industry"],
            "company_sizes": company["size"],
            "company_domains": company["website"],
        }
        for key, value in checks.items():
            wanted = filters.get(key)
            if wanted and not any(str(w).lower() in str(value).lower() for w in wanted):
                return False
        name = filters.get("person_name")
        return not (name and str(name).lower() not in str(person["name"]).lower())


#: The search filters that narrow the population (``matches`` reads the same ones).
SEARCH_FILTERS = (
    "person_titles",
    "person_locations",
    "person_name",
    "company_names",
    "company_industries",
    "company_sizes",
    "company_domains",
)
#: The company filters: search member -> the company field it is matched in (case-insensitive substring).
_COMPANY_FILTERS = (
    ("company_names", "name"),
    ("company_industries", "industry"),
    ("company_sizes", "size"),
    ("company_domains", "website"),
)
#: "first last" in lower case -> (index in FIRST, index in LAST).
_NAME_PAIRS = {f"{first} {last}".lower(): (i, j) for i, first in enumerate(FIRST) for j, last in enumerate(LAST)}
_PROFILE_SIZES = (len(PLACES), len(TITLES), len(TITLES), len(GENDERS), 20, 12)
_UNKNOWN = 255  # a first-name slot not derived yet


def _profile_code(seed: int, index: int) -> tuple[int, int, int, int, int, int]:
    """Place, title, headline title, gender, start year (from 2005) and month (from 0) of person ``index``."""
    digest = hashlib.blake2b(f"{seed}:profile:{index}".encode(), digest_size=8).digest()
    number = int.from_bytes(digest, "little")
    values = []
    for size in _PROFILE_SIZES:
        number, value = divmod(number, size)
        values.append(value)
    place, title, headline, gender, year, month = values
    return place, title, headline, gender, year, month


def _allowed(wanted: Any, texts: Sequence[str]) -> set[int]:
    """The positions of ``texts`` that one of ``wanted`` occurs in (case-insensitive), as ``matches`` decides."""
    if not wanted:
        return set(range(len(texts)))
    needles = [str(w).lower() for w in wanted]
    return {index for index, text in enumerate(texts) if any(needle in text.lower() for needle in needles)}


def _derive_identities(seed: int, companies: int) -> Callable[[Iterable[int], bytearray, bytearray, array[int]], None]:
    """A filler of the identity columns that gives exactly ``Population._identity``, without its overhead.

    ``random.Random(text)`` seeds Mersenne Twister with the text and its SHA-512 (seed version 2);
    ``choice``/``randrange`` draw ``getrandbits(n.bit_length())`` until the draw is below ``n``.
    Doing that directly is about four times faster; ``Population._columns`` checks it agrees.
    """
    prefix = f"{seed}:person:"
    limits = [(len(FIRST), len(FIRST).bit_length()), (len(LAST), len(LAST).bit_length())]
    limits.append((companies, companies.bit_length()))
    (n_first, k_first), (n_last, k_last), (n_company, k_company) = limits

    def fill(indexes: Iterable[int], firsts: bytearray, lasts: bytearray, employers: array[int]) -> None:
        rng = random.Random()  # noqa: S311 - test data, not secrets
        reseed = _random.Random.seed
        bits = rng.getrandbits
        sha512 = hashlib.sha512
        from_bytes = int.from_bytes
        for index in indexes:
            if firsts[index] != _UNKNOWN:
                continue
            text = (prefix + str(index)).encode()
            reseed(rng, from_bytes(text + sha512(text).digest(), "big"))
            first = bits(k_first)
            while first >= n_first:
                first = bits(k_first)
            last = bits(k_last)
            while last >= n_last:
                last = bits(k_last)
            employer = bits(k_company)
            while employer >= n_company:
                employer = bits(k_company)
            lasts[index] = last
            employers[index] = employer
            firsts[index] = first  # last: a known first name means the whole identity is there

    return fill


class _Columns:
    """One population's search columns, shared by every ``Population`` of the same seed and size.

    ``profiles()`` holds place * len(TITLES) + title per person; ``first``/``last``/``company`` the
    identity (indexes into FIRST, LAST and the companies), filled on demand.  Thread-safe: the
    lock is held only while a column is filled, so concurrent searches wait for one fill.
    """

    def __init__(self, seed: int, size: int, companies: int, reference: Callable[[int], tuple[str, str, int]]) -> None:
        self.seed = seed
        self.size = size
        self.first = bytearray([_UNKNOWN]) * size
        self.last = bytearray(size)
        self.company = array("H", bytes(2 * size))
        self._profiles: bytearray | None = None
        self._by_identity: dict[tuple[int, int, int], int] | None = None
        self._fill = _derive_identities(seed, companies)
        self._lock = threading.Lock()
        self._cache_lock = threading.Lock()
        self._searches: OrderedDict[str, list[int]] = OrderedDict()
        self._check(reference)

    def _check(self, reference: Callable[[int], tuple[str, str, int]]) -> None:
        """Fall back to the reference derivation if the fast one ever disagrees (another Python's ``random``)."""
        sample = [index for index in (0, 1, self.size - 1) if 0 <= index < self.size]
        firsts, lasts, employers = bytearray([_UNKNOWN]) * self.size, bytearray(self.size), array("H", [0]) * self.size
        self._fill(sample, firsts, lasts, employers)
        for index in sample:
            first, last, employer = reference(index)
            if (FIRST[firsts[index]], LAST[lasts[index]], employers[index]) != (first, last, employer):

                def slow(indexes: Iterable[int], firsts: bytearray, lasts: bytearray, employers: array[int]) -> None:
                    for i in indexes:
                        if firsts[i] == _UNKNOWN:
                            first, last, employers[i] = reference(i)
                            lasts[i] = LAST.index(last)
                            firsts[i] = FIRST.index(first)

                self._fill = slow
                return

    def profiles(self) -> bytearray:
        with self._lock:
            if self._profiles is None:
                width = len(TITLES)
                seed = self.seed
                codes = bytearray(self.size)
                for index in range(self.size):
                    number = int.from_bytes(
                        hashlib.blake2b(f"{seed}:profile:{index}".encode(), digest_size=8).digest(), "little"
                    )
                    codes[index] = number % len(PLACES) * width + number // len(PLACES) % width
                self._profiles = codes
            return self._profiles

    def fill(self, indexes: Iterable[int]) -> None:
        with self._lock:
            self._fill(indexes, self.first, self.last, self.company)

    def first_with(self, identity: tuple[int, int, int]) -> int | None:
        """The first person with this (first, last, company) identity."""
        with self._lock:
            if self._by_identity is None:
                self._fill(range(self.size), self.first, self.last, self.company)
                found: dict[tuple[int, int, int], int] = {}
                for index, key in enumerate(zip(self.first, self.last, self.company, strict=True)):
                    found.setdefault(key, index)
                self._by_identity = found
            return self._by_identity.get(identity)

    def cached(self, key: str) -> list[int] | None:
        with self._cache_lock:
            found = self._searches.get(key)
            if found is not None:
                self._searches.move_to_end(key)
            return found

    def remember(self, key: str, hits: list[int]) -> list[int]:
        with self._cache_lock:
            self._searches[key] = hits
            while len(self._searches) > 64:
                self._searches.popitem(last=False)
            return hits


_SHARED: OrderedDict[tuple[int, int, int], _Columns] = OrderedDict()
_SHARED_LOCK = threading.Lock()


def _shared_columns(population: Population) -> _Columns:
    """The columns for ``population``'s seed and size (a few kept per process: they are deterministic)."""
    key = (population.seed, population.size, population.companies)
    with _SHARED_LOCK:
        columns = _SHARED.get(key)
        if columns is None:
            columns = _Columns(*key, reference=population._identity)
            _SHARED[key] = columns
            while len(_SHARED) > 8:
                _SHARED.popitem(last=False)
        _SHARED.move_to_end(key)
        return columns
