"""The administration area: overview, members, partner cities, and who may open what."""

from __future__ import annotations

import sqlalchemy as sa

from livinglab.accounts.models import Role
from livinglab.audit.models import AuditEntry
from livinglab.cities.models import City
from livinglab.extensions import db


def test_who_opens_the_administration_area(client, login_as):
    assert "/login" in client.get("/admin/").headers["Location"]
    participant, _ = login_as()
    assert participant.get("/admin/").status_code == 403
    expert, _ = login_as(Role.expert)
    assert expert.get("/admin/members").status_code == 403
    rep, _ = login_as(Role.city_rep, city="coimbra")
    page = rep.get("/admin/").get_data(as_text=True)
    assert "As a city representative of Coimbra" in page
    admin, _ = login_as(Role.admin)
    assert admin.get("/admin/").status_code == 200


def test_admins_find_members_by_name_city_role_and_status(login_as, make_user):
    admin, _ = login_as(Role.admin)
    make_user(city="turku", name="Aino Lahti")
    expert = make_user(Role.expert, city="turku", name="Mikko Saari")
    suspended = make_user(city="turku", name="Ville Kallio", suspended=True)
    make_user(city="pavia", name="Aino Rossi")

    def ids(**args):
        page = admin.get("/admin/members", query_string=args).get_data(as_text=True)
        return page

    page = ids(city="turku", q="aino")
    assert "Aino Lahti" in page and "Aino Rossi" not in page and "Mikko Saari" not in page
    page = ids(city="turku", role="expert")
    assert f'data-testid="member-{expert.id}"' in page and "Aino Lahti" not in page
    page = ids(status="suspended")
    assert f'data-testid="member-{suspended.id}"' in page and "Aino Lahti" not in page
    assert expert.email in ids(q=expert.email), "admins search by email too"


def test_a_city_rep_sees_only_their_city_and_no_email(login_as, make_user):
    rep, _ = login_as(Role.city_rep, city="coimbra")
    local = make_user(city="coimbra", name="Inês Local")
    make_user(city="turku", name="Aino Far")
    page = rep.get("/admin/members", query_string={"city": "turku"}).get_data(as_text=True)
    assert "Inês Local" in page and "Aino Far" not in page
    assert local.email not in page
    assert rep.get("/admin/cities").status_code == 403


def test_an_admin_edits_a_partner_and_it_is_audited(login_as, db_read, client):
    admin, me = login_as(Role.admin)
    form = admin.get("/admin/cities/turku/edit").get_data(as_text=True)
    assert 'value="Turun kaupunki"' in form
    response = admin.post(
        "/admin/cities/turku/edit",
        data={
            "name": "Turku – Åbo",
            "municipality": "Turun kaupunki",
            "country": "Finland",
            "language": "fi",
        },
    )
    assert response.status_code == 302
    assert "Turku – Åbo" in client.get("/cities/turku").get_data(as_text=True)
    entry = db_read(
        lambda: db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "partner.updated")
        )
    )
    assert entry.actor_id == me.id and entry.details["changes"] == {
        "name": ["Turku", "Turku – Åbo"]
    }


def test_bad_partner_input_is_explained_and_nothing_changes(login_as, db_read):
    admin, _ = login_as(Role.admin)
    response = admin.post(
        "/admin/cities/turku/edit",
        data={"name": "", "municipality": "x", "country": "Finland", "language": "finnish!"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Fill this in." in page and "Give a two-letter language code" in page
    assert db_read(lambda: db.session.scalar(sa.select(City.name).where(City.slug == "turku"))) == (
        "Turku"
    )
    assert admin.get("/admin/cities/atlantis/edit").status_code == 404


def test_an_admin_adds_a_partner_when_the_agreement_grows(login_as, client, db_read):
    admin, _ = login_as(Role.admin)
    data = {
        "slug": "krakow",
        "name": "Kraków",
        "municipality": "Urząd Miasta Krakowa",
        "country": "Poland",
        "language": "pl",
    }
    assert admin.post("/admin/cities/new", data=data).status_code == 302
    assert "Kraków" in client.get("/cities/").get_data(as_text=True)
    assert client.get("/cities/krakow").status_code == 200
    assert 'value="krakow"' in client.get("/register").get_data(as_text=True)
    again = admin.post("/admin/cities/new", data=data)
    assert again.status_code == 400
    assert "A partner already uses this address." in again.get_data(as_text=True)
    bad = admin.post("/admin/cities/new", data={**data, "slug": "Not a Slug!"})
    assert bad.status_code == 400 and "lower-case letters" in bad.get_data(as_text=True)
    count = db_read(lambda: db.session.scalar(sa.select(sa.func.count(City.id))))
    assert count == 9
    rep, _ = login_as(Role.city_rep)
    assert rep.post("/admin/cities/new", data={**data, "slug": "lodz"}).status_code == 403


def test_the_admin_lists_cost_the_same_queries_however_long(
    login_as, make_user, db_read, count_queries
):
    from livinglab.audit.services import record

    admin, me = login_as(Role.admin)

    def measure(path):
        with count_queries() as counted:
            assert admin.get(path).status_code == 200
        return counted.n

    def add_entries(n):
        def add():
            for i in range(n):
                actor = make_user(city=("turku", "iasi", "pavia")[i % 3])
                record(actor, "role.requested", actor, city_id=actor.city_id)
            db.session.commit()

        db_read(add)

    add_entries(2)
    small = (measure("/admin/members"), measure("/admin/audit"))
    add_entries(20)
    assert (measure("/admin/members"), measure("/admin/audit")) == small
