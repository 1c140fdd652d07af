"""Factories: build the data a test needs, saved through the same services the admin uses."""

import itertools
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from sampan.blog import services
from sampan.blog.models import Category, Post, Tag

_seq = itertools.count(1)


def make_user(username: str = "", *, role: str = "", password: str = "pw", **extra: Any):  # type: ignore[no-untyped-def]
    users = get_user_model()
    username = username or f"user{next(_seq)}"
    if role == "Administrator":
        user = users.objects.create_superuser(
            username=username, email=f"{username}@example.org", password=password
        )
    else:
        user = users.objects.create_user(
            username=username,
            email=f"{username}@example.org",
            password=password,
            is_staff=bool(role),
            **extra,
        )
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def make_post(
    title: str = "",
    *,
    author: Any = None,
    published_at: datetime | None = None,
    status: str = Post.Status.PUBLISHED,
    kind: str = Post.Kind.POST,
    categories: list[Category] | None = None,
    tags: list[Tag] | None = None,
    **fields: Any,
) -> Post:
    post = Post(
        title=title or f"Post {next(_seq)}",
        author=author or make_user(),
        published_at=published_at or timezone.now() - timedelta(hours=1),
        status=status,
        kind=kind,
        **fields,
    )
    services.save_post(post)
    if categories:
        post.categories.set(categories)
    if tags:
        post.tags.set(tags)
    return post


def make_category(name: str, parent: Category | None = None) -> Category:
    return Category.objects.create(name=name, slug=name.lower().replace(" ", "-"), parent=parent)


def make_tag(name: str) -> Tag:
    return Tag.objects.create(name=name, slug=name.lower().replace(" ", "-"))


def local(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """An aware datetime in the site's time zone."""
    return datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())
