"""Errors raised by the Amplemarket client (all subclasses of ``ClientError``).

``APIError`` carries ``status``, ``code``, ``title``, ``detail``, the full ``errors`` list and
the ``response``; its subclasses follow the documented statuses and error codes
(``person_not_found`` -> ``NotFound``, ``insufficient_credits`` -> ``InsufficientCredits``, ...).
"""

from __future__ import annotations

from apicore.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequest,
    ClientError,
    Conflict,
    InputProblem,
    InsufficientCredits,
    InvalidInput,
    InvalidResponse,
    InvalidWebhook,
    JobFailed,
    JobTimeout,
    NotFound,
    PartialBatchError,
    PermissionDenied,
    RateLimited,
    RequestTimeout,
    ServerError,
    UnavailableForLegalReasons,
    UnprocessableEntity,
)

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequest",
    "ClientError",
    "Conflict",
    "InputProblem",
    "InsufficientCredits",
    "InvalidInput",
    "InvalidResponse",
    "InvalidWebhook",
    "JobFailed",
    "JobTimeout",
    "NotFound",
    "PartialBatchError",
    "PermissionDenied",
    "RateLimited",
    "RequestTimeout",
    "ServerError",
    "UnavailableForLegalReasons",
    "UnprocessableEntity",
]
