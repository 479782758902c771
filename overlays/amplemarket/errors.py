"""Errors raised by the Amplemarket client (all subclasses of ``ClientError``).

``APIError`` carries ``status``, ``code``, ``title``, ``detail``, the full ``errors`` list,
the ``response`` and the server's ``request_id``; its subclasses follow the documented statuses
and error codes (``person_not_found`` -> ``NotFound``, ``insufficient_credits`` -> ``InsufficientCredits``, ...).

Each class here is the core's class of the same name (``apicore.errors.NotFound``) under this
module's name, so tracebacks read ``amplemarket.errors.NotFound``; ``except`` clauses on either
name, and on any parent (``APIError``, ``ClientError``), catch it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from apicore.errors import InputProblem, vendor_errors

#: This package's error classes, and the means to raise them instead of the core's (``BRAND.rebrand``, ...).
BRAND = vendor_errors(__name__)

if TYPE_CHECKING:  # for type checkers each class is the core's; at run time it is its subclass named for us
    from apicore.errors import (
        APIConnectionError,
        APIError,
        APITimeoutError,
        AuthenticationError,
        BadRequest,
        ClientError,
        Conflict,
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
else:
    globals().update(BRAND.classes)

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
