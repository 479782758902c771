"""A seeded population of people for the Apollo simulator, shaped like Apollo's person records.

Person ``i`` is the same for the same seed and is built only when asked for.  Every
identifier encodes the index (the id is the index in hex, the email and LinkedIn slug end
with it), so a lookup is a parse and a check, not a search.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import Any

GIVEN = ["Alma", "Bruno", "Cleo", "Dario", "Edith", "Felix", "Gala", "Henrik", "Iris", "Jonas", "Kaia", "Leon"]
FAMILY = ["Abreu", "Brandt", "Carvalho", "Dahl", "Eriksen", "Fontaine", "Gallo", "Horvat", "Ito", "Jensen"]
EMPLOYERS = [
    ("Northwind Analytics", "northwind.example"),
    ("Bluepeak Robotics", "bluepeak.example"),
    ("Quarry Labs", "quarrylabs.example"),
    ("Harbor & Finch", "harborfinch.example"),
    ("Tessellate", "tessellate.example"),
    ("Oakline Health", "oakline.example"),
    ("Vantage Freight", "vantagefreight.example"),
]
TITLES = ["Head of Sales", "VP Marketing", "Account Executive", "CTO", "Founder & CEO", "Sales Development Rep"]
SENIORITY = {"Head of Sales": "head", "VP Marketing": "vp", "CTO": "c_suite", "Founder & CEO": "founder"}
CITIES = [("Lisbon", None, "Portugal"), ("Austin", "Texas", "United States"), ("Berlin", None, "Germany")]
STATUSES = ["verified", "verified", "verified", "likely to engage", "unavailable"]

_EMAIL = re.compile(r"^[a-z]+\.[a-z]+(\d+)@[a-z.]+$")
_LINKEDIN = re.compile(r"linkedin\.com/in/[a-z]+-[a-z]+-(\d+)/?$")


def _pick(seed: int, index: int, salt: str, choices: list[Any]) -> Any:
    digest = hashlib.sha256(f"{seed}:{index}:{salt}".encode()).digest()
    return choices[int.from_bytes(digest[:4], "big") % len(choices)]


class People:
    """``size`` people for ``seed``; identifiers map back to indices."""

    def __init__(self, seed: int = 42, size: int = 10_000) -> None:
        self.seed = seed
        self.size = size
        self._hashes: dict[str, int] | None = None

    # ------------------------------------------------------------------ identity
    def given(self, index: int) -> str:
        return GIVEN[index % len(GIVEN)]

    def family(self, index: int) -> str:
        return FAMILY[(index // len(GIVEN)) % len(FAMILY)]

    def employer(self, index: int) -> tuple[str, str]:
        return EMPLOYERS[index % len(EMPLOYERS)]

    def email_of(self, index: int) -> str:
        return f"{self.given(index).lower()}.{self.family(index).lower()}{index}@{self.employer(index)[1]}"

    def linkedin_of(self, index: int) -> str:
        return f"http://www.linkedin.com/in/{self.given(index).lower()}-{self.family(index).lower()}-{index}"

    def id_of(self, index: int) -> str:
        return f"{index:024x}"

    # ------------------------------------------------------------------ lookups
    def _valid(self, index: int) -> int | None:
        return index if 0 <= index < self.size else None

    def by_id(self, value: str) -> int | None:
        try:
            index = int(value, 16)
        except ValueError:
            return None
        found = self._valid(index)
        return found if found is not None and self.id_of(found) == value.lower() else None

    def by_email(self, value: str) -> int | None:
        match = _EMAIL.match(value.strip().lower())
        index = self._valid(int(match[1])) if match else None
        return index if index is not None and self.email_of(index) == value.strip().lower() else None

    def by_hashed_email(self, value: str) -> int | None:
        if self._hashes is None:
            self._hashes = {}
            for index in range(self.size):
                email = self.email_of(index).encode()
                self._hashes[hashlib.md5(email).hexdigest()] = index  # noqa: S324 - the API's own format
                self._hashes[hashlib.sha256(email).hexdigest()] = index
        return self._hashes.get(value.lower())

    def by_linkedin(self, value: str) -> int | None:
        text = value.strip().lower().rstrip("/")
        match = _LINKEDIN.search(text)
        index = self._valid(int(match[1])) if match else None
        if index is None or not text.endswith(self.linkedin_of(index).split("linkedin.com", 1)[1]):
            return None
        return index

    def by_name_at(self, name: str, employer: str | None, domain: str | None) -> int | None:
        """A full name is only enough together with the employer's name or domain."""
        wanted = " ".join(name.lower().split())
        for slot, (company, company_domain) in enumerate(EMPLOYERS):
            if (domain and domain.lower().removeprefix("www.") == company_domain) or (
                employer and employer.lower() == company.lower()
            ):
                for index in range(slot, self.size, len(EMPLOYERS)):
                    if f"{self.given(index)} {self.family(index)}".lower() == wanted:
                        return index
        return None

    # ------------------------------------------------------------------ records
    @lru_cache(maxsize=4096)  # noqa: B019 - the population lives as long as its simulator
    def person(self, index: int) -> dict[str, Any]:
        company, domain = self.employer(index)
        title = _pick(self.seed, index, "title", TITLES)
        city, state, country = _pick(self.seed, index, "city", CITIES)
        organization_id = f"{EMPLOYERS.index((company, domain)) + 1:024x}"
        record: dict[str, Any] = {
            "id": self.id_of(index),
            "first_name": self.given(index),
            "last_name": self.family(index),
            "name": f"{self.given(index)} {self.family(index)}",
            "linkedin_url": self.linkedin_of(index),
            "title": title,
            "email_status": _pick(self.seed, index, "status", STATUSES),
            "twitter_url": None,
            "github_url": None,
            "facebook_url": None,
            "extrapolated_email_confidence": None,
            "headline": f"{title} at {company}",
            "email": self.email_of(index),
            "organization_id": organization_id,
            "employment_history": [
                {
                    "_id": f"{index:012x}{1:012x}",
                    "current": True,
                    "organization_id": organization_id,
                    "organization_name": company,
                    "start_date": f"{2015 + index % 9}-01-01",
                    "end_date": None,
                    "title": title,
                    "id": f"{index:012x}{1:012x}",
                    "key": f"{index:012x}{1:012x}",
                }
            ],
            "state": state,
            "city": city,
            "country": country,
            "organization": {
                "id": organization_id,
                "name": company,
                "website_url": f"http://www.{domain}",
                "linkedin_url": f"http://www.linkedin.com/company/{domain.split('.')[0]}",
                "primary_domain": domain,
                "founded_year": 2005 + EMPLOYERS.index((company, domain)),
                "estimated_num_employees": 40 * (EMPLOYERS.index((company, domain)) + 1),
            },
            "departments": ["master_sales"] if "Sales" in title or "Account" in title else ["c_suite"],
            "seniority": SENIORITY.get(title, "senior"),
        }
        if state is None:  # the curated spec types state (and photo_url, never sent) as a string, not null
            del record["state"]
        return record
