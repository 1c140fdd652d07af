"""WordPress-compatible permalinks, so an imported blog keeps every link."""

from django.urls import path, re_path

from . import feeds, views

app_name = "blog"

# [0-9], not \d: Python's \d also matches other scripts' digits, which are no dates of ours.
Y, M, D = r"(?P<year>[0-9]{4})", r"(?P<month>[0-9]{2})", r"(?P<day>[0-9]{2})"
PAGED = r"(?:page/(?P<page>[0-9]{1,6})/)?"


def listing_feeds(name: str, prefix: str, rss: type, atom: type) -> list:
    return [
        re_path(prefix + r"feed/(?:rss2/)?$", rss(), name=f"{name}_feed"),
        re_path(prefix + r"feed/atom/$", atom(), name=f"{name}_atom"),
    ]


urlpatterns = [
    re_path(rf"^{PAGED}$", views.home, name="home"),
    path("feed/", feeds.LatestPostsFeed(), name="feed"),
    path("feed/rss2/", feeds.LatestPostsFeed()),
    path("feed/atom/", feeds.LatestPostsAtomFeed(), name="feed_atom"),
    path("comments/feed/", feeds.LatestCommentsFeed(), name="comments_feed"),
    path("comments/feed/atom/", feeds.LatestCommentsAtomFeed(), name="comments_feed_atom"),
    path("robots.txt", views.robots_txt, name="robots"),
    re_path(rf"^{Y}/{M}/{D}/(?P<slug>[^/]+)/$", views.post_detail, name="post"),
    re_path(rf"^{Y}/{M}/{D}/(?P<slug>[^/]+)/feed/(?:rss2/)?$", feeds.PostCommentsFeed(), name="post_comments_feed"),
    re_path(rf"^{Y}/{M}/{D}/(?P<slug>[^/]+)/feed/atom/$", feeds.PostCommentsAtomFeed()),
    re_path(rf"^{Y}/{M}/{D}/{PAGED}$", views.day_archive, name="day"),
    re_path(rf"^{Y}/{M}/{PAGED}$", views.month_archive, name="month"),
    re_path(rf"^{Y}/{PAGED}$", views.year_archive, name="year"),
    *listing_feeds("category", r"^category/(?P<path>[^?#]+?)/", feeds.CategoryFeed, feeds.CategoryAtomFeed),
    re_path(r"^category/(?P<path>[^?#]+?)/" + PAGED + "$", views.category_archive, name="category"),
    *listing_feeds("tag", r"^tag/(?P<slug>[^/]+)/", feeds.TagFeed, feeds.TagAtomFeed),
    re_path(r"^tag/(?P<slug>[^/]+)/" + PAGED + "$", views.tag_archive, name="tag"),
    *listing_feeds("author", r"^author/(?P<username>[^/]+)/", feeds.AuthorFeed, feeds.AuthorAtomFeed),
    re_path(r"^author/(?P<username>[^/]+)/" + PAGED + "$", views.author_archive, name="author"),
    re_path(r"^search/(?P<query>[^/]+)/" + PAGED + "$", views.search_path),
    # Pages last: any other path may be a page, or a page's child (/parent/child/).
    re_path(r"^(?P<path>.+?)/feed/(?:rss2/)?$", feeds.PageCommentsFeed(), name="page_comments_feed"),
    re_path(r"^(?P<path>.+?)/$", views.page_detail, name="page"),
]  # fmt: skip
