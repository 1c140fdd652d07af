"""Author roles, as WordPress has them: each is a group of permissions, kept current after every migrate.

- Author: writes, edits and publishes their own posts, uploads images.
- Editor: everything an author does, for everyone's posts and pages, and manages categories and tags.
- Administrator: everything, including site settings, widgets and accounts (Django superusers).
"""

from typing import Any

from django.contrib.auth.models import Group, Permission

AUTHOR, EDITOR, ADMINISTRATOR = "Author", "Editor", "Administrator"

# Writers make and revoke their own application passwords, for blogging apps and scripts.
APP_PASSWORDS = [
    "api.add_applicationpassword",
    "api.view_applicationpassword",
    "api.delete_applicationpassword",
]

# Authors moderate the comments on their own posts (the admin shows them only those); editors, everyone's.
COMMENTS = ["comments.view_comment", "comments.change_comment", "comments.delete_comment"]

ROLE_PERMISSIONS = {
    AUTHOR: [*COMMENTS, "blog.add_post", "blog.change_post", "blog.delete_post", "blog.view_post", "blog.view_category",
             "blog.view_tag", "blog.add_tag", "blog.view_revision", *APP_PASSWORDS],
    EDITOR: [*COMMENTS, "comments.moderate_comments", "blog.add_post", "blog.change_post", "blog.delete_post", "blog.view_post", "blog.add_category",
             "blog.change_category", "blog.delete_category", "blog.view_category", "blog.add_tag", "blog.change_tag",
             "blog.delete_tag", "blog.view_tag", "blog.view_revision", "blog.edit_others_posts", *APP_PASSWORDS],
}  # fmt: skip


def ensure_roles(**kwargs: Any) -> None:
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = []
        for name in names:
            app_label, codename = name.split(".")
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None:
                perms.append(perm)
        group.permissions.set(perms)
    admin_group, _ = Group.objects.get_or_create(name=ADMINISTRATOR)
    admin_group.permissions.set(Permission.objects.all())


def role_of(user: Any) -> str:
    if user.is_superuser:
        return ADMINISTRATOR
    names = set(user.groups.values_list("name", flat=True))
    for role in (ADMINISTRATOR, EDITOR, AUTHOR):
        if role in names:
            return role
    return ""


def can_edit_others_posts(user: Any) -> bool:
    return bool(user.is_superuser or user.has_perm("blog.edit_others_posts"))
