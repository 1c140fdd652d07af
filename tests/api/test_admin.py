import re

import pytest

from sampan.api.models import ApplicationPassword
from sampan.api.passwords import authenticate, create_app_password
from tests.factories import make_user

pytestmark = pytest.mark.django_db
ADD = "/admin/api/applicationpassword/add/"


def test_a_writer_makes_an_application_password_and_sees_it_once(client):
    ana = make_user("ana", role="Author")
    client.force_login(ana)
    response = client.post(ADD, {"user": ana.pk, "label": "MarsEdit"})
    assert response.status_code == 200
    password = re.search(r'id="new-app-password" type="text" readonly value="([0-9a-f]+)"', response.text)[1]
    assert authenticate(username="ana", password=password) == ana
    assert "no-store" in response["Cache-Control"]
    listing = client.get("/admin/api/applicationpassword/").text
    assert "MarsEdit" in listing
    assert password not in listing


def test_a_writer_sees_and_revokes_only_their_own(client):
    ana = make_user("ana", role="Author")
    bob = make_user("bob", role="Author")
    mine = create_app_password(user=ana, label="mine")
    create_app_password(user=bob, label="bobs-script")
    client.force_login(ana)
    listing = client.get("/admin/api/applicationpassword/").text
    assert "mine" in listing
    assert "bobs-script" not in listing
    client.post(
        "/admin/api/applicationpassword/",
        {"action": "revoke_selected", "_selected_action": [mine.record.pk]},
    )
    assert list(ApplicationPassword.objects.values_list("label", flat=True)) == ["bobs-script"]


def test_an_author_cannot_make_a_password_for_someone_else(client):
    ana = make_user("ana", role="Author")
    bob = make_user("bob", role="Author")
    client.force_login(ana)
    response = client.post(ADD, {"user": bob.pk, "label": "sneaky"})
    assert not ApplicationPassword.objects.filter(user=bob).exists()
    assert "Select a valid choice" in response.text
