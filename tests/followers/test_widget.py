"""The sidebar widget: the follow form and the live count of confirmed followers."""

import re

import pytest

from sampan.followers import services
from sampan.followers.models import Follower

pytestmark = pytest.mark.django_db


def _widget(html: str) -> str:
    match = re.search(r'<section class="widget widget_follow".*?</section>', html, re.S)
    assert match, "no follow widget in the sidebar"
    return match.group(0)


def test_a_fresh_site_has_the_follow_widget_after_recent_posts(client):
    html = client.get("/").text
    aside = html.split('<aside class="sidebar"', 1)[1]
    assert aside.index("Recent Posts") < aside.index("Follow Blog via Email")
    widget = _widget(html)
    assert 'action="/follow/"' in widget and "Email Address" in widget
    assert "Join" not in widget  # nobody follows yet


def test_the_count_follows_confirmations_and_unsubscribes_at_once(client):
    for n in range(3):
        Follower.objects.create(email=f"f{n}@example.org", status=Follower.Status.CONFIRMED)
    waiting = Follower.objects.create(email="waiting@example.org")
    services.confirm(Follower.objects.get(email="f0@example.org"))  # already confirmed: no change
    client.get("/")  # the sidebar is cached now
    services.confirm(waiting)
    assert "Join 4 other followers" in _widget(client.get("/").text)
    services.unsubscribe(waiting)
    assert "Join 3 other followers" in _widget(client.get("/").text)
