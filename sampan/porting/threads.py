"""Comments, pingbacks and trackbacks of a batch of imported posts, with their threads.

A reply needs its parent's row first, so the batch's comments go in level by level: every top-level comment of
the batch in one bulk insert, then every reply to those, and so on. (One row at a time, the comments service's
`import_comment` does the same work, but 200,000 comments would take minutes.) The rows are what
`import_comment` makes: the state and date from the old blog, the text rendered by the comments app, no
moderation policy and no mail.
"""

from collections import Counter
from typing import Any

from sampan.blog.models import Post
from sampan.comments.models import Comment
from sampan.comments.rendering import render_comment

from .items import ItemSkipped, meta_reason, when
from .wxr import Item, WxrComment

STATUSES = {
    "1": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.TRASH,
    "post-trashed": Comment.Status.TRASH,
}
KINDS = {
    "": Comment.Kind.COMMENT,
    "comment": Comment.Kind.COMMENT,
    "pingback": Comment.Kind.PINGBACK,
    "trackback": Comment.Kind.TRACKBACK,
    "webmention": Comment.Kind.WEBMENTION,
}
BULK = 500


def comment_from(c: WxrComment, *, post: Post, parent_id: int | None, user: Any) -> Comment:
    kind = KINDS.get(c.type)
    if kind is None:
        raise ItemSkipped(f"comment type “{c.type}” has no counterpart")
    mention = kind != Comment.Kind.COMMENT
    return Comment(
        post_id=post.pk,
        parent_id=parent_id,
        kind=kind,
        status=STATUSES.get(c.approved, Comment.Status.PENDING),
        created_at=when(c.date, c.date_gmt) or post.published_at,
        author_name=c.author[:200],
        author_email=c.email[:254],
        author_url=c.url[:500],
        source_url=c.url[:1000] if mention else "",
        user_id=user.pk if user is not None else None,
        body=c.content,
        body_html=render_comment(c.content),
    )


class Threads:
    """Collects the comments of a batch's posts, then writes them (`write`) after their parents.

    `known` maps WordPress comment IDs already here (earlier runs, this batch) to comment pks."""

    def __init__(self, *, known: dict[int, int], users: Any, notes: list[str], skipped: Counter[str]) -> None:
        self.known, self.users, self.notes, self.skipped = known, users, notes, skipped
        self.level: list[tuple[WxrComment, Post, int | None]] = []
        self.replies: dict[int, list[tuple[WxrComment, Post, Item]]] = {}

    def add(self, item: Item, post: Post) -> None:
        """The item's comments not imported before."""
        new: dict[int, WxrComment] = {}
        for c in item.comments:
            if c.wp_id in new:
                self.skipped["comments with a duplicate WordPress ID"] += 1
            elif c.wp_id not in self.known:
                new[c.wp_id] = c
        for c in new.values():
            if c.parent and c.parent in new:
                self.replies.setdefault(c.parent, []).append((c, post, item))
            elif c.parent and c.parent not in self.known:
                self.notes.append(
                    f"Comment {c.wp_id} on {item.label} replies to comment {c.parent}, which is not in the "
                    "file: kept as a top-level comment."
                )
                self.level.append((c, post, None))
            else:
                self.level.append((c, post, self.known.get(c.parent) if c.parent else None))

    def write(self) -> list[tuple[int, Comment]]:
        """Insert everything added, level by level; returns (WordPress ID, comment) for each new one."""
        created: list[tuple[int, Comment]] = []
        while self.level:
            made = self._insert(self.level)
            created.extend(made)
            self.level = [
                (reply, post, comment.pk)
                for wp_id, comment in made
                for reply, post, _ in self.replies.pop(wp_id, [])
            ]
        for (
            orphans
        ) in self.replies.values():  # replies in a loop (a hand-edited file): kept, at the top level
            for c, post, item in orphans:
                self.notes.append(
                    f"Comment {c.wp_id} on {item.label} is part of a reply loop: kept at the top level."
                )
                self.level.append((c, post, None))
        self.replies = {}
        if self.level:
            created.extend(self._insert(self.level))
            self.level = []
        return created

    def _insert(self, level: list[tuple[WxrComment, Post, int | None]]) -> list[tuple[int, Comment]]:
        rows: list[tuple[int, Comment]] = []
        for c, post, parent_id in level:
            user = self.users.user_for_wp_id(c.user_id) if c.user_id else None
            try:
                rows.append((c.wp_id, comment_from(c, post=post, parent_id=parent_id, user=user)))
            except ItemSkipped as err:
                self.skipped[f"comments: {err}"] += 1
                continue
            for key, _ in c.meta:
                self.skipped[meta_reason("comment", key)] += 1
        Comment.objects.bulk_create([comment for _, comment in rows], batch_size=BULK)
        for wp_id, comment in rows:
            self.known[wp_id] = comment.pk
        return rows
