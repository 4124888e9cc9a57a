from flask.testing import FlaskClient

from incidents.security.permissions import Role
from tests.conftest import login


def test_front_page_is_public(client: FlaskClient) -> None:
    assert client.get("/").status_code == 200


def test_login_shows_role_navigation(client: FlaskClient, make_user) -> None:
    admin = make_user(Role.ADMIN)
    login(client, admin)
    page = client.get("/").get_data(as_text=True)
    assert "Organisations" in page
    assert "Audit log" in page
