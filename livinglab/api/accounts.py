"""Tokens, registration, the signed-in member, the partner cities."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, jsonify
from flask_babel import gettext as _
from flask_login import current_user

from livinglab.accounts import services as accounts
from livinglab.accounts import tokens
from livinglab.api.core import api_errors, bearer_token, body, bp, field, signed_in
from livinglab.api.errors import error_response
from livinglab.api.schemas import city_json, user_json
from livinglab.cities.models import City
from livinglab.extensions import db, limiter


def _sign_in_limit() -> str:
    return current_app.config["RATELIMIT_SIGN_IN"]


def _register_limit() -> str:
    return current_app.config["RATELIMIT_REGISTER"]


@bp.post("/tokens")
@limiter.limit(_sign_in_limit)
@api_errors
def create_token():
    data = body({"email", "password", "name"}, {"email", "password"})
    email = field(data, "email", str, required=True)
    password = field(data, "password", str, required=True)
    name = field(data, "name", str) or "API"
    user = accounts.authenticate(email, password)
    if user is None or user.is_suspended:
        return error_response(
            401, _("This email address and password do not match an active account.")
        )
    plain, _row = tokens.issue(user, name)
    response = jsonify({"token": plain, "user": user_json(user, private=True)})
    response.status_code = 201
    return response


@bp.delete("/tokens/current")
@api_errors
def revoke_current():
    plain = bearer_token()
    row = tokens.lookup(plain) if plain else None
    if row is None:
        return error_response(401, _("Send the token to revoke as a bearer token."))
    tokens.revoke(row.user, row.id)
    return "", 204


@bp.post("/users")
@limiter.limit(_register_limit)
@api_errors
def register():
    data = body(
        {"email", "password", "display_name", "city", "profile_kind", "preferred_language"},
        {"email", "password", "display_name", "city", "profile_kind"},
    )
    user = accounts.register(
        email=field(data, "email", str, required=True),
        password=field(data, "password", str, required=True),
        display_name=field(data, "display_name", str, required=True),
        city_slug=field(data, "city", str, required=True),
        profile_kind=field(data, "profile_kind", str, required=True),
        preferred_language=field(data, "preferred_language", str),
    )
    response = jsonify(user_json(user, private=True))
    response.status_code = 201
    return response


@bp.get("/me")
@api_errors
def me():
    signed_in()
    return jsonify(user_json(current_user, private=True))


@bp.get("/cities")
def cities():
    rows = db.session.scalars(sa.select(City).order_by(City.name))
    return jsonify({"items": [city_json(c) for c in rows]})
