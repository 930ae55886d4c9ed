"""Signed links sent by email: each purpose has its own salt, so a token made for one never
opens another (an unsubscribe link cannot reset a password)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer


class TokenProblem(StrEnum):
    expired = "expired"
    invalid = "invalid"  # forged, truncated, or made for another purpose


class BadToken(Exception):
    def __init__(self, problem: TokenProblem):
        super().__init__(problem.value)
        self.problem = problem


def _timed(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"livinglab.{purpose}")


def make(purpose: str, payload: dict[str, Any]) -> str:
    return _timed(purpose).dumps(payload)


def read(purpose: str, token: str, max_age: int) -> dict[str, Any]:
    """The payload of a token made by :func:`make` for ``purpose``, at most ``max_age`` seconds
    old; raises :class:`BadToken` saying whether it expired or was never valid."""
    if not isinstance(token, str) or len(token) > 1000:
        raise BadToken(TokenProblem.invalid)
    try:
        payload = _timed(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise BadToken(TokenProblem.expired) from None
    except BadSignature:
        raise BadToken(TokenProblem.invalid) from None
    if not isinstance(payload, dict):
        raise BadToken(TokenProblem.invalid)
    return payload


def _lasting() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="livinglab.unsubscribe")


def unsubscribe_token(user_id: int, category: str) -> str:
    """Unsubscribe links do not expire: an old email must still be able to stop the next one."""
    return _lasting().dumps({"u": user_id, "c": category})


def read_unsubscribe(token: str) -> tuple[int, str]:
    if not isinstance(token, str) or len(token) > 1000:
        raise BadToken(TokenProblem.invalid)
    try:
        payload = _lasting().loads(token)
    except BadSignature:
        raise BadToken(TokenProblem.invalid) from None
    if not isinstance(payload, dict):
        raise BadToken(TokenProblem.invalid)
    user_id, category = payload.get("u"), payload.get("c")
    if not isinstance(user_id, int) or not isinstance(category, str):
        raise BadToken(TokenProblem.invalid)
    return user_id, category
