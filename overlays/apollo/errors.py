"""The errors the Apollo client raises: the core's typed hierarchy (shared with every vendor)."""

from __future__ import annotations

from apicore.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequest,
    ClientError,
    InputProblem,
    InvalidInput,
    InvalidResponse,
    NotFound,
    PartialBatchError,
    PermissionDenied,
    RateLimited,
    ServerError,
    UnprocessableEntity,
)

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequest",
    "ClientError",
    "InputProblem",
    "InvalidInput",
    "InvalidResponse",
    "NotFound",
    "PartialBatchError",
    "PermissionDenied",
    "RateLimited",
    "ServerError",
    "UnprocessableEntity",
]
