"""Blog Stats in the sidebar, and a post's own view count when the owner shows it."""

import pytest

from sampan.core import pagecache
from sampan.stats.models import Counter, PostViews, StatsSettings
from sampan.stats.totals import set_starting_hits
from tests.factories import make_post

pytestmark = pytest.mark.django_db


def test_a_fresh_site_shows_blog_stats_with_the_hits_in_digits(client):
    Counter.objects.create(name="hits", value=995)
    set_starting_hits(hits=50_000)
    page = client.get("/").text
    assert '<h2 class="widget-title"' in page and ">Blog Stats</h2>" in page
    assert "50,995 hits" in page


def test_a_negative_starting_count_is_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        set_starting_hits(hits=-1)


def test_each_posts_view_count_shows_only_when_the_owner_turns_it_on(client):
    post = make_post("Harbour lights")
    PostViews.objects.create(post=post, views=1234)
    assert "1,234 views" not in client.get(post.get_absolute_url()).text
    StatsSettings.objects.update_or_create(pk=1, defaults={"show_post_views": True})
    pagecache.invalidate()
    assert "1,234 views" in client.get(post.get_absolute_url()).text
