"""A seeded, deterministic population of people and companies for the simulator.

Person ``i`` (0 <= i < size) is always the same for the same seed; nothing is stored
until asked for, so a population of 100,000 costs nothing until it is searched.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping
from functools import lru_cache
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
        self._names: dict[tuple[str, str], int] | None = None
        self.person = lru_cache(maxsize=4096)(self._person)
        self.company = lru_cache(maxsize=4096)(self._company)

    def _rng(self, kind: str, index: int) -> random.Random:
        return random.Random(f"{self.seed}:{kind}:{index}")  # noqa: S311 - test data, not secrets

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

    def _person(self, index: int) -> dict[str, Any]:
        first, last, company = self._identity(index)
        rng = self._rng("profile", index)
        city, state, country = rng.choice(PLACES)
        return {
            "id": self._uuid("person", index),
            "object": "person",
            "name": f"{first} {last}",
            "first_name": first,
            "last_name": last,
            "linkedin_url": self.linkedin_of(index),
            "title": rng.choice(TITLES),
            "headline": f"{rng.choice(TITLES)} at {self.company(company)['name']}",
            "location": f"{city}, {state}, {country}",
            "location_details": {"city": city, "state": state, "country": country},
            "gender": rng.choice(GENDERS),
            "current_position_start_date": f"{rng.randint(2005, 2024)}-{rng.randint(1, 12):02d}-01",
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

    def _name_index(self) -> dict[tuple[str, str], int]:
        if self._names is None:
            names: dict[tuple[str, str], int] = {}
            for index in range(self.size):
                first, last, company = self._identity(index)
                names.setdefault((f"{first} {last}".lower(), self.company_domain(company)), index)
                names.setdefault((f"{first} {last}".lower(), str(self.company(company)["name"]).lower()), index)
            self._names = names
        return self._names

    def find(self, query: Mapping[str, Any]) -> int | None:
        """The person the identifiers point to (email, LinkedIn URL, or name with a company)."""
        if query.get("email"):
            return self.index_from_email(str(query["email"]))
        if query.get("linkedin_url"):
            return self.index_from_linkedin(str(query["linkedin_url"]))
        name = str(query.get("name") or "").lower()
        company = str(query.get("company_domain") or query.get("company_name") or "").lower()
        if name and company:
            return self._name_index().get((name, company))
        return None

    def matches(self, index: int, filters: Mapping[str, Any]) -> bool:
        person = self.person(index)
        company = person["company"]
        checks = {
            "person_titles": person["title"],
            "person_locations": person["location"],
            "company_names": company["name"],
            "company_industries": company["industry"],
            "company_sizes": company["size"],
        }
        for key, value in checks.items():
            wanted = filters.get(key)
            if wanted and not any(str(w).lower() in str(value).lower() for w in wanted):
                return False
        name = filters.get("person_name")
        return not (name and str(name).lower() not in str(person["name"]).lower())
