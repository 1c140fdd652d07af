"""The privacy page generator: a draft page saying exactly what this site stores about readers, for how long,
which cookies it sets and how a reader gets their data exported or erased, written from the live settings.

It reads each app's own settings (comments, mentions, followers, stats) and the retention periods; the owner
reviews the draft, edits it if they like, and publishes it. Writing it again updates the draft in place (a
published Privacy page is never changed: a fresh draft is written beside it).
"""

from typing import Any

from django.conf import settings
from django.urls import reverse

from sampan.blog import services as blog
from sampan.blog.models import Post
from sampan.comments.models import DiscussionSettings
from sampan.core import retention
from sampan.followers.services import UNCONFIRMED_KEPT
from sampan.likes.browser_cookie import COOKIE as LIKE_COOKIE
from sampan.likes.browser_cookie import MAX_AGE as LIKE_COOKIE_AGE
from sampan.mentions.models import MentionSettings

TITLE = "Privacy"
SLUG = "privacy"
DRAFT_SLUG = "privacy-draft"


def write_privacy_page(*, by: Any) -> tuple[Post, bool]:
    """Write (or rewrite) the draft Privacy page; returns it and whether it is new."""
    page = (
        Post.objects.filter(kind=Post.Kind.PAGE, slug__in=[SLUG, DRAFT_SLUG], status=Post.Status.DRAFT)
        .order_by("id")
        .first()
    )
    created = page is None
    if page is None:
        taken = Post.objects.filter(kind=Post.Kind.PAGE, slug=SLUG).exists()
        page = Post(kind=Post.Kind.PAGE, title=TITLE, slug=DRAFT_SLUG if taken else SLUG, author=by)
    previous = None if created else page.status
    page.body, page.body_format = privacy_text(), Post.Format.MARKDOWN
    blog.save_post(page, by=by, previous_status=previous)
    return page, created


def privacy_text() -> str:
    days = retention.all_days()
    return "\n\n".join(
        part
        for part in (
            _intro(),
            _comments(days),
            _readers(),
            _followers(),
            _likes(),
            _stats(days),
            _mentions(days),
            _cookies(),
            _your_data(),
            _outbound(days),
        )
        if part
    )


def _intro() -> str:
    return (
        "This page lists everything this site keeps about its readers, for how long, and how to get it "
        "exported or erased. Everything stays on this site's own server: pages load nothing from other "
        "sites (no fonts, scripts, analytics or avatars from third parties), and no reader's network "
        "address is ever stored. Reading leaves nothing behind: no account, no cookie."
    )


def _comments(days: dict[str, int]) -> str:
    discussion = DiscussionSettings.load()
    if not discussion.comments_allowed:
        return "## Comments\n\nComments are turned off. Comments left earlier are kept as described below."
    return (
        "## Comments\n\n"
        "When you comment, the site keeps what you typed (name, email address, website and text), the post "
        "and the date. Your email address is never shown; it recognises you when you comment again and is "
        "what your data request works on. To limit abuse, a keyed hash of your network address (not the "
        f"address itself) is kept for {days['client_hashes']} days. Comments marked as spam or moved to the "
        f"trash are deleted after {days['spam_and_trash']} days."
        + (" Every comment waits for the owner's approval." if discussion.hold_all else "")
    )


def _readers() -> str:
    return (
        "## Signed-in readers\n\n"
        "Signing in to comment is optional. When you do, the site keeps how you signed in (an emailed code, your "
        "website, your Fediverse account, or a provider the owner added), the server that vouched for you, the "
        "identifier it gave you, your display name, your website and a copy of your picture made on this server "
        "(your browser never asks your server for it). It keeps no password (readers have none), no token from "
        "your server and nothing else your server sends. On your account page you can change your name and "
        "website, download all of it, or delete the account with or without your comments."
    )


def _followers() -> str:
    return (
        "## Following by email\n\n"
        "When you follow the site, it keeps your email address, how often you want mail, and when you "
        "asked, confirmed or left. An address that is never confirmed is forgotten after "
        f"{UNCONFIRMED_KEPT.days} days. Every mail has a link to stop following at once."
    )


def _likes() -> str:
    return (
        "## Likes\n\n"
        "When you like a post, your browser gets a cookie with a random token so it counts once; the site "
        "keeps only a keyed hash of that token, the post, the date and the name you chose to show, if any."
    )


def _stats(days: dict[str, int]) -> str:
    if not settings.STATS_ENABLED:
        return "## Visit counts\n\nThis site counts no visits."
    return (
        "## Visit counts\n\n"
        "The site counts page views itself, without cookies and without storing addresses: each view keeps "
        "the page, the day, the referring site's name only, and a number made fresh every day from a keyed hash "
        "(so one reader counts once a day, and is never recognised the next day; none if your browser sends "
        "Global Privacy Control or Do Not Track). Single views "
        f"are kept {days['raw_stats']} days; after that only daily totals remain."
    )


def _mentions(days: dict[str, int]) -> str:
    if not MentionSettings.load().receive:
        return ""
    return (
        "## Mentions from other sites\n\n"
        "When another site links to a post and tells this one (a webmention, pingback or trackback), the "
        "site keeps the linking page's address, its author's name, address and photo, and the words around "
        "the link, and shows them under the post. The record of each such request is kept "
        f"{days['mention_requests']} days."
    )


def _cookies() -> str:
    cookies = [
        f"`{LIKE_COOKIE}`: after you like a post, for {LIKE_COOKIE_AGE // 86400} days, so your like counts once.",
        "`sampan_held_comments`: after you post a comment that waits for moderation, for a week, so you see "
        "it marked as waiting. It holds only comment numbers.",
        "`sampan_posted`: right after you post a comment, for at most ten minutes, to show you the private "
        "link to change or delete it.",
        "`sampan_postpass_…`: after you type a protected post's password, for ten days.",
        "`csrftoken`: on pages with a form that needs it, to protect that form.",
        "`sessionid`: from the moment you start signing in to comment, while you are signed in (and for the "
        "people who write here).",
    ]
    return "## Cookies\n\nThe site sets a cookie only once you act, never for reading:\n\n" + "\n".join(
        f"- {line}" for line in cookies
    )


def _your_data() -> str:
    where = settings.SITE_URL + reverse("comment_links:your_data_request")
    return (
        "## Your data: export or erase\n\n"
        f"At <{where}> you type your email address and receive a private link. There you can download "
        "everything the site keeps under that address (comments and following) or erase all of it. You "
        "can also ask the owner directly."
    )


def _outbound(days: dict[str, int]) -> str:
    if settings.OUTBOUND_OFFLINE:
        return "## What this site sends elsewhere\n\nNothing: this site makes no requests to other sites."
    mentions = MentionSettings.load()
    sends = (
        "When a post is published or updated, the site tells the pages it links to (a webmention or "
        "pingback), as other blogs do."
        if mentions.send
        else "Posts do not notify the pages they link to."
    )
    return (
        "## What this site sends elsewhere\n\n"
        f"{sends} When another site says it mentions a post, this site fetches that page once to check. "
        "When the owner imports an old blog, its images may be downloaded. No reader data is ever part of "
        f"these requests, and each is written in a ledger kept {days['outbound_requests']} days."
    )
