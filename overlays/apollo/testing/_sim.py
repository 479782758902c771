"""The Apollo simulator: people enrichment (single and bulk) over the core's simulator machinery."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from apicore.contract import Problem
from apicore.simulation import Reply, SimulatorBase, packaged_spec

from .._ops import SETTINGS
from ._data import People

__all__ = ["DEFAULT_API_KEY", "ApolloSimulatorCore"]

DEFAULT_API_KEY = "apollo-simulator-key-0000"
_FIELDS = (
    "first_name",
    "last_name",
    "name",
    "email",
    "hashed_email",
    "organization_name",
    "domain",
    "id",
    "linkedin_url",
)


def _flag(query: Mapping[str, list[str]], name: str) -> bool:
    return (query.get(name) or ["false"])[-1].lower() == "true"


class ApolloSimulatorCore(SimulatorBase):
    """Answers Apollo requests; matching is deterministic (see ``People``)."""

    #: Apollo's limits depend on the plan and are not on the documented page; this default is configurable.
    default_limits: ClassVar[Mapping[str, int]] = {"*": 200}
    credit_types: ClassVar[tuple[str, ...]] = ("credits",)

    def __init__(
        self,
        *,
        seed: int = 42,
        population: int = 10_000,
        time_scale: float = 1.0,
        api_key: str = DEFAULT_API_KEY,
        credits: int = 100_000,
        rate_limits: bool = True,
        limits: Mapping[str, int] | None = None,
        validate: bool = True,
        server_errors: int = 0,
        fault_rate: float = 0.0,
    ) -> None:
        super().__init__(
            packaged_spec(__package__ or "apollo.testing", "apollo"),
            api_key=api_key,
            auth_headers=SETTINGS.auth_headers,
            time_scale=time_scale,
            rate_limits=rate_limits,
            limits=limits,
            validate=validate,
            server_errors=server_errors,
            seed=seed,
            fault_rate=fault_rate,
        )
        self.people = People(seed, population)
        self.credits = credits
        #: Phone reveals the real API would deliver to the caller's webhook later: (webhook_url, person id).
        self.phone_webhooks: list[tuple[str, str]] = []

    # ------------------------------------------------------------------ this API's rules
    def error_body(self, status: int, code: str, detail: str, source: Mapping[str, str] | None) -> Any:
        return {"message" if status == 429 else "error": detail}

    def invalid(self, problems: list[Problem]) -> Reply:
        return self.error(422, "unprocessable", "; ".join(str(p) for p in problems[:5]))

    # ------------------------------------------------------------------ matching
    def _match(self, detail: Mapping[str, Any]) -> int | None:
        people = self.people
        text = {key: str(detail[key]).strip() for key in _FIELDS if detail.get(key) not in (None, "")}
        for key, lookup in (
            ("id", people.by_id),
            ("email", people.by_email),
            ("hashed_email", people.by_hashed_email),
            ("linkedin_url", people.by_linkedin),
        ):
            if key in text:
                return lookup(text[key])
        name = text.get("name") or " ".join(filter(None, (text.get("first_name"), text.get("last_name"))))
        if name:
            return people.by_name_at(name, text.get("organization_name"), text.get("domain"))
        return None

    def _enriched(self, index: int, query: Mapping[str, list[str]]) -> dict[str, Any]:
        person = dict(self.people.person(index))
        if _flag(query, "reveal_personal_emails"):
            person["personal_emails"] = [f"{person['first_name'].lower()}.{index}@mail.example"]
        if _flag(query, "reveal_phone_number"):
            self.phone_webhooks.append((query["webhook_url"][-1], person["id"]))
        return person

    def _webhook_missing(self, query: Mapping[str, list[str]]) -> Reply | None:
        if _flag(query, "reveal_phone_number") and not (query.get("webhook_url") or [""])[-1]:
            return self.error(422, "webhook_url_required", "webhook_url is required when reveal_phone_number is true")
        return None

    def _charge(self, matched: int) -> Reply | None:
        if self.credits < matched:
            return self.error(422, "insufficient_credits", "Not enough credits left on this plan.")
        self.credits -= matched
        self.count_credits({"credits": matched})
        return None

    # ------------------------------------------------------------------ operations
    def _op_people_match(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        refused = self._webhook_missing(query)
        if refused is not None:
            return refused
        detail = {key: values[-1] for key, values in query.items() if key in _FIELDS}
        if isinstance(body, Mapping):  # the API also takes the details as a JSON body
            detail.update({key: value for key, value in body.items() if key in _FIELDS})
        index = self._match(detail)
        if index is None:
            return Reply(200, {"person": None})
        refused = self._charge(1)
        return refused or Reply(200, {"person": self._enriched(index, query)})

    def _op_people_bulk_match(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        refused = self._webhook_missing(query)
        if refused is not None:
            return refused
        details = body.get("details") if isinstance(body, Mapping) else None
        if not isinstance(details, list) or not details:
            return self.error(422, "details_required", "details must list between 1 and 10 people")
        found = [self._match(detail) if isinstance(detail, Mapping) else None for detail in details]
        matched = [index for index in found if index is not None]
        refused = self._charge(len(matched))
        if refused is not None:
            return refused
        return Reply(
            200,
            {
                "status": "success",
                "error_code": None,
                "error_message": None,
                "total_requested_enrichments": len(details),
                "unique_enriched_records": len(set(matched)),
                "missing_records": len(details) - len(matched),
                "credits_consumed": len(matched),
                "matches": [None if index is None else self._enriched(index, query) for index in found],
            },
        )
