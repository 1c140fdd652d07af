"""The reader's account page, /accounts/you/: name and website, ways in, sign out everywhere, export, delete."""

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from sampan.comments.models import Comment
from sampan.core import personal_data
from sampan.followers.models import Follower
from sampan.readers import services
from sampan.readers.models import Reader
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db

ACCOUNT = "/accounts/you/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def website_reader(me: str = "https://ama.example/", name: str = "Ama"):  # type: ignore[no-untyped-def]
    return services.reader_for_identity(
        method="indieauth", issuer="https://auth.example/", subject=me, display_name=name, profile_url=me
    )


def email_reader(email: str = "kofi@example.org"):  # type: ignore[no-untyped-def]
    user = services.make_email_reader(email)
    EmailAddress.objects.filter(user=user).update(verified=True)
    services.set_display_name(user, email.split("@")[0])  # as the reader types it with their first comment
    return user


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def comment_by(user, post, body: str = "Lovely post.", **extra):  # type: ignore[no-untyped-def]
    return Comment.objects.create(
        post=post, user=user, author_name=user.reader.display_name, author_email=user.email,
        author_url=user.reader.website, body=body, body_html=f"<p>{body}</p>", status="approved", **extra,
    )  # fmt: skip


def test_someone_not_signed_in_is_sent_to_the_sign_in_page():
    response = Client().get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/you/"


def test_staff_are_told_their_account_is_in_the_admin_and_can_change_nothing_here():
    writer = make_user("writer", role="Editor")
    client = signed_in(writer)
    assert client.get(ACCOUNT).status_code == 403
    assert client.post(f"{ACCOUNT}sign-out-everywhere/").status_code == 403
    assert client.post(f"{ACCOUNT}delete/", {"comments": "delete", "confirm": "on"}).status_code == 403
    writer.refresh_from_db()
    assert writer.check_password("pw")


def test_the_page_shows_the_name_website_and_every_way_in():
    user = website_reader()
    EmailAddress.objects.create(user=user, email="ama@example.org", verified=True, primary=True)
    page = signed_in(user).get(ACCOUNT).content.decode()
    assert 'value="Ama"' in page
    assert "Your website (IndieAuth): https://ama.example/" in page
    assert "Email code: ama@example.org" in page
    assert "<script>" not in page  # the CSP allows no inline script


def test_a_reader_changes_their_name_and_website():
    user = website_reader()
    client = signed_in(user)
    response = client.post(
        ACCOUNT, {"display_name": "  Ama   Mensah ", "website": "https://mensah.example/blog"}
    )
    assert response.status_code == 302
    reader = Reader.objects.get(user=user)
    assert (reader.display_name, reader.website) == ("Ama Mensah", "https://mensah.example/blog")
    assert "Your name and website are saved." in client.get(ACCOUNT).content.decode()


def test_markup_bidi_controls_and_a_huge_name_are_made_harmless():
    user = website_reader()
    client = signed_in(user)
    name = "<script>alert(1)</script>\u202eevil\u2066" + "x" * 10_000
    assert client.post(ACCOUNT, {"display_name": name, "website": ""}).status_code == 302
    reader = Reader.objects.get(user=user)
    assert len(reader.display_name) == 80
    assert "\u202e" not in reader.display_name and "\u2066" not in reader.display_name
    page = client.get(ACCOUNT).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)" in page


@pytest.mark.parametrize(
    "website", ["javascript:alert(1)", "ftp://ama.example/", "data:text/html,hi", "ama.example", "https://"]
)
def test_a_website_must_be_an_http_address(website):
    user = website_reader()
    response = signed_in(user).post(ACCOUNT, {"display_name": "Ama", "website": website})
    assert response.status_code == 400
    assert "starting with https:// or http://" in response.content.decode()
    assert Reader.objects.get(user=user).website == "https://ama.example/"


def test_an_empty_name_is_refused_with_a_message():
    user = website_reader()
    response = signed_in(user).post(ACCOUNT, {"display_name": " \u200b ", "website": ""})
    assert response.status_code == 400
    assert "Give a name" in response.content.decode()


def test_every_change_needs_the_csrf_token():
    user = website_reader()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    for path, data in [
        (ACCOUNT, {"display_name": "Mallory"}),
        (f"{ACCOUNT}sign-out-everywhere/", {}),
        (f"{ACCOUNT}delete/", {"comments": "delete", "confirm": "on"}),
    ]:
        assert client.post(path, data).status_code == 403
    assert Reader.objects.get(user=user).display_name == "Ama"
    assert client.get(ACCOUNT).status_code == 200


def test_sign_out_everywhere_ends_the_sessions_on_every_device():
    user = website_reader()
    phone, laptop = signed_in(user), signed_in(user)
    assert phone.get(ACCOUNT).status_code == laptop.get(ACCOUNT).status_code == 200
    response = laptop.post(f"{ACCOUNT}sign-out-everywhere/")
    assert "You are signed out everywhere" in response.content.decode()
    assert phone.get(ACCOUNT).status_code == 302
    assert laptop.get(ACCOUNT).status_code == 302
    user.refresh_from_db()
    assert signed_in(user).get(ACCOUNT).status_code == 200  # signing in again works


def test_sign_out_everywhere_is_a_post():
    client = signed_in(website_reader())
    assert client.get(f"{ACCOUNT}sign-out-everywhere/").status_code == 405
    assert client.get(ACCOUNT).status_code == 200


def test_the_export_is_a_json_download_of_the_account_and_its_comments():
    user = email_reader()
    SocialAccount.objects.create(
        user=user, provider="fediverse", uid="https://mastodon.example/@kofi",
        extra_data={"issuer": "https://mastodon.example", "display_name": "Kofi", "profile_url": "https://mastodon.example/@kofi"},
    )  # fmt: skip
    Follower.objects.create(email="kofi@example.org", status="confirmed")
    post = make_post("Rivers")
    comment_by(user, post, "Signed-in words.")
    comment_by(website_reader(), post, "Someone else's words.")
    response = signed_in(user).get(f"{ACCOUNT}export/")
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    data = json.loads(response.content)
    assert data["account"]["display_name"] == "kofi"
    assert data["email_addresses"] == [{"email": "kofi@example.org", "verified": True, "primary": True}]
    assert [i["profile_url"] for i in data["identities"]] == ["https://mastodon.example/@kofi"]
    assert [c["comment"] for c in data["comments"]] == ["Signed-in words."]
    assert data["passkeys"] == []
    kept = data["kept_about_your_email"]
    assert [k["email"] for k in kept] == ["kofi@example.org"]
    assert kept[0]["followers"]["follower"]["status"] == "confirmed"


def test_deleting_the_account_can_keep_the_comments_as_a_former_readers(django_capture_on_commit_callbacks):
    user = website_reader()
    reader = user.reader
    reader.avatar.save("a.png", ContentFile(b"png"), save=True)
    avatar = reader.avatar.name
    post = make_post("Rivers")
    mine = comment_by(user, post, "Keep these words.", notify_followups=True)
    client = signed_in(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{ACCOUNT}delete/", {"comments": "keep", "confirm": "on"})
    assert "Your account is deleted" in response.content.decode()
    mine.refresh_from_db()
    assert (mine.body, mine.author_name, mine.author_email, mine.author_url, mine.user) == (
        "Keep these words.", "a former reader", "", "", None,
    )  # fmt: skip
    assert not mine.notify_followups
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert not SocialAccount.objects.filter(uid="https://ama.example/").exists()
    assert not default_storage.exists(avatar)
    assert client.get(ACCOUNT).status_code == 302  # signed out
    again = website_reader()  # signing in with the same website again: a new, empty reader
    assert again.pk != user.pk
    assert again.reader.display_name == "Ama"
    assert not Comment.objects.filter(user=again).exists()


def test_deleting_the_account_can_delete_the_comments_and_replies_stay():
    user = website_reader()
    other = email_reader()
    post = make_post("Rivers")
    mine = comment_by(user, post, "Delete these words.")
    reply = comment_by(other, post, "A reply.", parent=mine)
    response = signed_in(user).post(f"{ACCOUNT}delete/", {"comments": "delete", "confirm": "on"})
    assert response.status_code == 200
    assert not Comment.objects.filter(pk=mine.pk).exists()
    reply.refresh_from_db()
    assert reply.parent is None
    assert Reader.objects.filter(user=other).exists()


def test_nothing_is_deleted_without_the_confirmation_and_a_choice():
    user = website_reader()
    client = signed_in(user)
    for data in [{"comments": "delete"}, {"confirm": "on"}, {"comments": "all", "confirm": "on"}]:
        assert client.post(f"{ACCOUNT}delete/", data).status_code == 400
    assert Reader.objects.filter(user=user).exists()
    assert client.get(ACCOUNT).status_code == 200


def test_the_owners_data_tool_for_an_address_covers_reader_accounts():
    user = email_reader("efua@example.org")
    post = make_post("Rivers")
    comment_by(user, post, "Hello.")
    assert any("reader account" in line for line in personal_data.summaries("Efua@Example.org"))
    exported = personal_data.export("efua@example.org")
    assert exported["reader_accounts"][0]["email_addresses"][0]["email"] == "efua@example.org"
    reference = personal_data.reference("efua@example.org")
    assert reference is not None and personal_data.address(reference) == "efua@example.org"
    erased = personal_data.erase("efua@example.org")
    assert erased["reader_accounts"] == 1
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert not Comment.objects.exists()
    assert personal_data.summaries("efua@example.org") == []
