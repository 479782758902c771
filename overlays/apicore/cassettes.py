"""Recording HTTP cassettes (vcrpy / pytest-recording) without secrets or personal data.

``vcr_config(recorded_against=...)`` gives the options for pytest-recording's
``vcr_config`` fixture: the headers that carry the key (``Authorization`` unless the vendor
names others) are replaced, and emails, phone numbers,
names and LinkedIn profile URLs in URLs and JSON bodies become stable fake values (the
same input always gives the same fake), so that replay still matches the requests a test
makes.  Every recorded response carries an ``X-Recorded-Against`` header saying where it
was recorded.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode

__all__ = [
    "PERSONAL_KEYS",
    "QUERY_NAME_KEYS",
    "RECORDED_AGAINST",
    "REDACTED_AUTHORIZATION",
    "fake_email",
    "scrub_text",
    "scrub_value",
    "vcr_config",
]

REDACTED_AUTHORIZATION = "Bearer <redacted>"
RECORDED_AGAINST = "X-Recorded-Against"
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
LINKEDIN_PROFILE = re.compile(r"(linkedin\.com/in/)([^/?&\s\"]+)")
PHONE = re.compile(r"^\+?[\d\s().-]{7,}$")
#: JSON keys whose string values are personal: names and phone numbers.
PERSONAL_KEYS = {"name", "first_name", "last_name", "person_name", "number", "from", "to", "third_party_first_name"}
#: Query parameters whose values are names (not "from"/"to": in a query those are more often dates than phones).
QUERY_NAME_KEYS = {"name", "first_name", "last_name", "person_name", "third_party_first_name"}
_FAKE_DOMAIN = "example.com"


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:10]


def fake_email(email: str) -> str:
    """A stable fake for ``email`` (fakes are left as they are)."""
    if email.startswith("user-") and email.endswith("@" + _FAKE_DOMAIN):
        return email
    return f"user-{_digest(email.lower())}@{_FAKE_DOMAIN}"


def _fake_for_key(key: str, value: str) -> str:
    if key in {"number", "from", "to"}:
        if not PHONE.match(value) or value.startswith("+1 555 01"):
            return value
        digits = int(_digest(value), 16) % 10_000
        return f"+1 555 01{digits:04d}"
    if value.startswith("Name "):
        return value
    return f"Name {_digest(value)}"


def scrub_text(text: str) -> str:
    """Emails and LinkedIn profile slugs in free text (URLs, messages) become fakes."""
    text = EMAIL.sub(lambda m: fake_email(m.group(0)), text)
    return LINKEDIN_PROFILE.sub(lambda m: m.group(1) + _slug(m.group(2)), text)


def _slug(slug: str) -> str:
    return slug if slug.startswith("person-") else f"person-{_digest(slug)}"


def scrub_value(value: Any, key: str = "") -> Any:
    """A copy of a decoded JSON value with personal data replaced."""
    if isinstance(value, dict):
        # keys too: exclusion results are keyed by the email or domain they are about
        return {scrub_text(k): scrub_value(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_value(v, key) for v in value]
    if isinstance(value, str):
        if key in PERSONAL_KEYS and value:
            return _fake_for_key(key, value)
        return scrub_text(value)
    return value


def _scrub_body(raw: Any) -> Any:
    if not raw:
        return raw
    text = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
    try:
        data = json.loads(text)
    except ValueError:
        scrubbed = scrub_text(text)
    else:
        scrubbed = json.dumps(scrub_value(data), sort_keys=False)
    return scrubbed.encode("utf-8") if isinstance(raw, bytes) else scrubbed


def _scrub_query_names(uri: str) -> str:
    """Names passed as query parameters (``?first_name=...``) become fakes; other URIs are left as they are."""
    base, mark, query = uri.partition("?")
    pairs = parse_qsl(query, keep_blank_values=True) if mark else []
    if not any(key in QUERY_NAME_KEYS and value for key, value in pairs):
        return uri
    faked = [(key, _fake_for_key(key, value) if key in QUERY_NAME_KEYS and value else value) for key, value in pairs]
    return f"{base}?{urlencode(faked)}"


def _scrub_uri(uri: str) -> str:
    uri = _scrub_query_names(uri)
    # emails travel percent-encoded in paths and queries: decode, scrub, encode again
    decoded = unquote(uri)
    if decoded == scrub_text(decoded):
        return uri
    return quote(scrub_text(decoded), safe=":/?&=[]@%+,")


def _scrub_request(request: Any) -> Any:
    request.uri = _scrub_uri(request.uri)
    request.body = _scrub_body(request.body)
    return request


def _scrub_response(recorded_against: str, secret: set[str]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def scrub(response: dict[str, Any]) -> dict[str, Any]:
        body = response.get("body", {})
        if isinstance(body, dict) and "string" in body:
            body["string"] = _scrub_body(body["string"])
        headers = response.setdefault("headers", {})
        for name in list(headers):
            if name.lower() == "location":
                headers[name] = [_scrub_uri(v) for v in headers[name]]
            if name.lower() in {"set-cookie", *secret}:
                del headers[name]
        headers[RECORDED_AGAINST] = [recorded_against]
        return response

    return scrub


def vcr_config(*, recorded_against: str, secret_headers: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Options for pytest-recording's ``vcr_config`` fixture (or ``vcr.VCR(**...)``).

    ``secret_headers`` maps each header that carries a credential to what the cassette
    shows instead (default: ``Authorization: Bearer <redacted>``).
    """
    secrets = dict(secret_headers or {"authorization": REDACTED_AUTHORIZATION})
    return {
        "filter_headers": [*((name.lower(), shown) for name, shown in secrets.items()), ("cookie", None)],
        "before_record_request": _scrub_request,
        "before_record_response": _scrub_response(recorded_against, {name.lower() for name in secrets}),
        "match_on": ["method", "path", "query", "body"],
        "decode_compressed_response": True,
    }
