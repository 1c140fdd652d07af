"""Who wrote what: the old site's authors, mapped to Sampan users by a map file or created as Authors.

Items that name no author go to the first administrator, as WordPress gives them to whoever imports.
The map file is CSV, one author a line: `old_login,new_username` (the old WordPress login, then an existing
Sampan user's name). Blank lines and lines starting with # are ignored. With a map, posts by an author who is
not in it are skipped and reported; without one, each author becomes a Sampan user of the same name (in the
Author group, with no usable password: they set one through "forgot password", or an administrator does).
An existing user of that name is used as is: an import never changes existing users.
"""

import csv
import re
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from sampan.blog.roles import AUTHOR

from .wxr import Author

_USERNAME_UNSAFE = re.compile(r"[^\w.@+-]+")


class AuthorMapError(ValueError):
    pass


class UnknownAuthor(Exception):
    """An item whose author we may not create or map; the message says why."""


def read_author_map(path: Path) -> dict[str, str]:
    users = get_user_model()
    mapping: dict[str, str] = {}
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            for number, row in enumerate(csv.reader(handle), start=1):
                if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
                    continue
                if len(row) != 2 or not row[0].strip() or not row[1].strip():
                    raise AuthorMapError(
                        f"{path} line {number}: expected old_login,new_username (two fields), got {row!r}"
                    )
                old, new = row[0].strip(), row[1].strip()
                if not users.objects.filter(username=new).exists():
                    raise AuthorMapError(f"{path} line {number}: there is no Sampan user named {new!r}")
                mapping[old] = new
    except (OSError, UnicodeDecodeError) as err:
        raise AuthorMapError(f"cannot read the author map {path}: {err}") from None
    return mapping


class Authors:
    """Finds (or makes) the Sampan user for each old login, once per run."""

    def __init__(self, *, mapping: dict[str, str] | None, notes: list[str] | None = None) -> None:
        self.mapping = mapping
        self.listed: dict[str, Author] = {}
        self.by_wp_id: dict[int, str] = {}
        self._users: dict[str, Any] = {}
        self.created: list[str] = []
        self.notes: list[str] = notes if notes is not None else []

    def add(self, author: Author) -> None:
        self.listed[author.login] = author
        if author.wp_id:
            self.by_wp_id[author.wp_id] = author.login

    def user_for(self, login: str) -> Any:
        if login in self._users:
            return self._users[login]
        self._users[login] = user = self._find(login)
        return user

    def user_for_wp_id(self, wp_id: int) -> Any:
        login = self.by_wp_id.get(wp_id)
        if login is None:
            return None
        try:
            return self.user_for(login)
        except UnknownAuthor:
            return None

    def _find(self, login: str) -> Any:
        users = get_user_model()
        if not login:
            # WordPress gives such items to whoever runs the import; here, that is the first administrator.
            admin = users.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
            if admin is None:
                raise UnknownAuthor(
                    "it names no author (dc:creator is empty) and this site has no administrator"
                )
            self.notes.append(f"Items that name no author go to the administrator {admin.get_username()!r}.")
            return admin
        if self.mapping is not None:
            if login not in self.mapping:
                raise UnknownAuthor(f"its author {login!r} is not in the author map")
            return users.objects.get(username=self.mapping[login])
        username = _USERNAME_UNSAFE.sub("-", login)[:150]
        existing = users.objects.filter(username=username).first()
        if existing is not None:
            self.notes.append(f"Posts by {login!r} go to the existing user {username!r} (left unchanged).")
            return existing
        if self.listed and login not in self.listed:
            self.notes.append(f"Author {login!r} is not among the file's authors; created as a new Author.")
        details = self.listed.get(login) or Author(login=login)
        user = users(
            username=username,
            email=details.email[:254],
            first_name=details.first_name[:150],
            last_name=details.last_name[:150],
            is_staff=True,
        )
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get_or_create(name=AUTHOR)[0])
        self.created.append(username)
        return user
