"""A post's thoughts as a reader sees them: a tree of replies, in pages of top-level comments.

Rules as WordPress has them: replies nest up to the owner's depth, and replies below that depth (left from a
time the setting was deeper) carry on at the deepest level rather than vanish; a reply whose parent readers
cannot see (held, spam, trashed) is shown at the top level; pages count top-level comments only, oldest first.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from .identicons import identicon_svg
from .models import Comment, DiscussionSettings

MIN_PER_PAGE = 50  # a page of comments smaller than this makes readers click more than they read


@dataclass
class Node:
    comment: Comment
    depth: int
    held: bool = False  # the reader's own comment, not public yet
    can_reply: bool = False
    children: list["Node"] = field(default_factory=list)

    @property
    def avatar(self) -> SafeString:
        return identicon_svg(self.comment.author_email or self.comment.author_name)


def per_page(settings: DiscussionSettings) -> int:
    return max(MIN_PER_PAGE, settings.per_page)


def build_tree(
    comments: Iterable[Comment], *, max_depth: int, replies_open: bool, held_ids: Iterable[int] = ()
) -> list[Node]:
    """Top-level nodes, each with its replies; `comments` in the order they were written."""
    held = set(held_ids)
    ordered = sorted(comments, key=lambda c: (c.created_at, c.pk))
    visible = {c.pk for c in ordered}
    children: dict[int | None, list[Comment]] = {}
    for comment in ordered:
        parent = comment.parent_id if comment.parent_id in visible else None
        children.setdefault(parent, []).append(comment)
    max_depth = max(1, max_depth)

    def grow(comment: Comment, depth: int) -> list[Node]:
        node = Node(comment, depth, held=comment.pk in held)
        node.can_reply = replies_open and not node.held and not comment.is_mention and depth < max_depth
        below = [n for child in children.get(comment.pk, []) for n in grow(child, min(depth + 1, max_depth))]
        if depth < max_depth:
            node.children = below
            return [node]
        return [node, *sorted(below, key=lambda n: (n.comment.created_at, n.comment.pk))]

    return [node for top in children.get(None, []) for node in grow(top, 1)]


def page_count(top_level: int, settings: DiscussionSettings) -> int:
    if not settings.paginate:
        return 1
    return max(1, math.ceil(top_level / per_page(settings)))


def page_of(tree: Sequence[Node], settings: DiscussionSettings, number: int) -> list[Node]:
    if not settings.paginate:
        return list(tree)
    size = per_page(settings)
    return list(tree[(number - 1) * size : number * size])


def page_holding(comment: Comment, tree: Sequence[Node], settings: DiscussionSettings) -> int:
    """The comment page a comment is shown on (1 when paging is off or it is not in the tree)."""
    if not settings.paginate:
        return 1
    for index, top in enumerate(tree):
        if _contains(top, comment.pk):
            return index // per_page(settings) + 1
    return 1


def _contains(node: Node, pk: int) -> bool:
    return node.comment.pk == pk or any(_contains(child, pk) for child in node.children)


def find(tree: Sequence[Node], pk: int) -> Node | None:
    for node in tree:
        if node.comment.pk == pk:
            return node
        found = find(node.children, pk)
        if found is not None:
            return found
    return None
