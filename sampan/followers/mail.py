"""The messages followers get: confirmation, new post, weekly digest, follow-up comment.

Every message is multipart (text and HTML), carries Message-ID and Date, and, when it is one a follower can
stop, the RFC 8058 pair `List-Unsubscribe` / `List-Unsubscribe-Post` with a link that works in one click. No
tracking pixels, no redirected links: a link in the mail goes straight to the page it names. Anything from
outside (titles, names) is put on one line before it reaches a header, so it cannot add headers.
"""

import re
from dataclasses import dataclass
from email.header import Header
from email.utils import formataddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from sampan.blog.models import Post
from sampan.blog.rendering import plain_text, summary
from sampan.core import fragments

from . import copies, links
from .models import Follower

# Stand-ins for the per-follower links: a post's mail is rendered once, then each copy gets its own links.
UNSUBSCRIBE_MARK = "sampan-unsubscribe-link-here"
MANAGE_MARK = "sampan-manage-link-here"
_SITE_RELATIVE = re.compile(r'(\s(?:href|src)=")/(?!/)')


def one_line(text: str, limit: int = 200) -> str:
    """Text fit for a header: every run of whitespace (newlines included) becomes one space."""
    return " ".join(text.split())[:limit]


def mail_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def sender() -> str:
    return formataddr((one_line(fragments.site_settings().title), settings.DEFAULT_FROM_EMAIL))


def list_headers(unsubscribe_url: str) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        **shared_list_headers(),
    }


def shared_list_headers() -> dict[str, str]:
    name = one_line(fragments.site_settings().title, 80)
    if not name.isascii():
        name = Header(name, "utf-8").encode()  # only the name is encoded; the id stays readable
    return {"List-Id": f"{name} <followers.{mail_domain()}>", "Auto-Submitted": "auto-generated"}


def build(
    *, to: str, subject: str, text: str, html: str, headers: dict[str, str], message_id: str = ""
) -> EmailMultiAlternatives:
    headers = dict(headers)
    if message_id:
        headers["Message-ID"] = message_id
    message = EmailMultiAlternatives(
        subject=one_line(subject), body=text, from_email=sender(), to=[to], headers=headers
    )
    message.attach_alternative(html, "text/html")
    return message


def _absolute_links(html: str) -> str:
    # The post's own links are site-relative; in a mail they must name the site. (Made absolute, not rewritten.)
    return _SITE_RELATIVE.sub(lambda m: m.group(1) + settings.SITE_URL + "/", html)


def post_context(post: Post, *, full_text: bool) -> dict:
    body_html = _absolute_links(post.body_html)
    excerpt = post.excerpt.strip() or summary(post.body_html)
    return {
        "post": post,
        "title": one_line(post.title) or "(no title)",
        "post_url": links.absolute(post.get_absolute_url()),
        "full_text": full_text,
        "body_html": body_html,
        "body_text": plain_text(post.body_html) if full_text else excerpt,
        "excerpt": excerpt,
    }


@dataclass(frozen=True)
class PreparedPost:
    """A post's mail, rendered once for all followers, with stand-ins where each follower's links go."""

    post_id: int
    text: str
    html: str
    common: copies.Prepared


def prepare_new_post(post: Post, *, full_text: bool) -> PreparedPost:
    context = {
        **post_context(post, full_text=full_text),
        "site_title": fragments.site_settings().title,
        "unsubscribe_url": UNSUBSCRIBE_MARK,
        "manage_url": MANAGE_MARK,
    }
    subject = f"[{one_line(fragments.site_settings().title, 80)}] {context['title']}"
    return PreparedPost(
        post_id=post.pk,
        text=render_to_string("followers/email/new_post.txt", context),
        html=render_to_string("followers/email/new_post.html", context),
        common=copies.Prepared(
            subject=subject,
            from_email=sender(),
            headers={"List-Unsubscribe-Post": "List-Unsubscribe=One-Click", **shared_list_headers()},
        ),
    )


def new_post_message(prepared: PreparedPost, follower: Follower) -> EmailMultiAlternatives:
    unsubscribe = links.url("unsubscribe", email=follower.email, follower_id=follower.pk)
    manage = links.url("manage", email=follower.email, follower_id=follower.pk)

    def personal(body: str) -> str:
        return body.replace(UNSUBSCRIBE_MARK, unsubscribe).replace(MANAGE_MARK, manage)

    return prepared.common.copy(
        to=follower.email,
        text=personal(prepared.text),
        html=personal(prepared.html),
        unsubscribe_url=unsubscribe,
        # The same for a repeat after a crash, so the reader's mail program can tell it is one message.
        message_id=f"<post-{prepared.post_id}.follower-{follower.pk}@{mail_domain()}>",
    )


def render_pair(name: str, context: dict) -> tuple[str, str]:
    context = {"site_title": fragments.site_settings().title, **context}
    text = render_to_string(f"followers/email/{name}.txt", context)
    html = render_to_string(f"followers/email/{name}.html", context)
    return text, html
