"""Errors the services raise; each face (HTML, API, socket) turns them into its own answer."""

from __future__ import annotations

from typing import Any

from livinglab.policy import Verdict


class ServiceError(Exception):
    status = 400

    def __init__(
        self, message: Any, fields: dict[str, Any] | None = None, status: int | None = None
    ):
        super().__init__(str(message))
        self.message = message
        self.fields = fields or {}
        if status is not None:
            self.status = status


class Invalid(ServiceError):
    """Input that cannot be accepted; ``fields`` maps a field name to its message."""

    status = 400


class Conflict(ServiceError):
    status = 409


class Denied(ServiceError):
    """A policy refusal; keeps the verdict's status (401, 403, 404 or 409)."""

    def __init__(self, verdict: Verdict):
        super().__init__(verdict.reason, status=verdict.status)
        self.verdict = verdict


def require(verdict: Verdict) -> None:
    if not verdict:
        raise Denied(verdict)
