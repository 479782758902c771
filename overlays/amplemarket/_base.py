"""Configuration shared by ``Amplemarket`` and ``AsyncAmplemarket``: this API's settings for the core."""

from __future__ import annotations

from apicore import ClientConfig, RateLimiter
from apicore.requests import Request
from apicore.vendor import DEFAULT_TIMEOUT, AsyncClientBase, SyncClientBase, VendorSettings, bearer
from apicore.vendor import build_config as _build_config

from . import _ops
from ._version import __version__

DEFAULT_BASE_URL = "https://api.amplemarket.com"

SETTINGS = VendorSettings(
    name="amplemarket",
    default_base_url=DEFAULT_BASE_URL,
    env_prefix="AMPLEMARKET",
    auth_headers=bearer,
    user_agent=f"amplemarket-python/{__version__}",
    default_limit=_ops.DEFAULT_LIMIT,
    route_limits=_ops.ROUTE_LIMITS,
    error_codes=_ops.ERROR_CODES,
)


def build_config(
    api_key: str | None, base_url: str | None, max_retries: int, rate_limit: bool | RateLimiter
) -> ClientConfig:
    return _build_config(SETTINGS, api_key, base_url, max_retries, rate_limit)


__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "SETTINGS",
    "AsyncClientBase",
    "Request",
    "SyncClientBase",
    "build_config",
]
