"""Tokens, registration, the signed-in member, the partner cities."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from livinglab.accounts import services as accounts
from livinglab.accounts import throttle, tokens
from livinglab.api import bodies
from livinglab.api import schemas as out
from livinglab.api.core import bearer_token, bp, created, signed_in
from livinglab.api.errors import error_response
from livinglab.api.schema import operation, payload
from livinglab.api.schemas import user_json
from livinglab.cities.models import City
from livinglab.extensions import db, limiter
from livinglab.stats import participation


def _register_limit() -> str:
    return current_app.config["RATELIMIT_REGISTER"]


@bp.post("/tokens")
@operation(
    _l("Get a personal access token"),
    tag="accounts",
    ok=201,
    out=out.Token,
    body=bodies.TokenRequest,
)
def create_token() -> Response:
    data = payload(bodies.TokenRequest)
    # Failed attempts are limited per account and per address, successful ones not at all.
    try:
        user = throttle.authenticate(data.email, data.password, request.remote_addr)
    except throttle.TooManyFailures as refused:
        response = error_response(429, refused.message)
        response.headers["Retry-After"] = str(refused.retry_after)
        return response
    if user is None or user.is_suspended:
        return error_response(
            401, _("This email address and password do not match an active account.")
        )
    plain, _row = tokens.issue(user, data.name or "API")
    return created(out.Token(token=plain, user=out.User.of(user, private=True)).dump())


@bp.delete("/tokens/current")
@operation(_l("Revoke the token sent"), tag="accounts", ok=204, secured=True)
def revoke_current() -> ResponseReturnValue:
    plain = bearer_token()
    row = tokens.lookup(plain) if plain else None
    if row is None:
        return error_response(401, _("Send the token to revoke as a bearer token."))
    tokens.revoke(row.user, row.id)
    return "", 204


@bp.post("/users")
@operation(
    _l("Register as a participant"), tag="accounts", ok=201, out=out.User, body=bodies.Registration
)
@limiter.limit(_register_limit)
def register() -> Response:
    data = payload(bodies.Registration)
    answers = participation.Answers(
        data.age_group, data.guardian_consent, data.age_band, data.gender
    )
    user = participation.register_answering(
        data.city,
        answers,
        lambda: accounts.register(
            email=data.email,
            password=data.password,
            display_name=data.display_name,
            city_slug=data.city,
            profile_kind=data.profile_kind,
            preferred_language=data.preferred_language,
        ),
    )
    return created(user_json(user, private=True))


@bp.get("/me")
@operation(_l("The signed-in member"), tag="accounts", out=out.User, secured=True)
def me() -> Response:
    signed_in()
    return jsonify(user_json(current_user, private=True))


@bp.get("/cities")
@operation(_l("The partner cities"), tag="cities", out=out.Cities)
def cities() -> Response:
    rows = db.session.scalars(sa.select(City).order_by(City.name))
    return jsonify(out.Cities(items=[out.City.of(c) for c in rows]).dump())
