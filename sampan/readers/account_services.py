"""What a signed-in reader does to their own account: change how they are shown, and end every session.

Deleting the account and exporting its data live in `personal.py`, with the data they cover.
"""

from typing import Any

from .models import Reader


def is_reader(user: Any) -> bool:
    """A signed-in reader: anyone signed in who is not the site's staff (they manage themselves in the admin)."""
    return bool(user.is_authenticated and not user.is_staff and not user.is_superuser)


def account_reader(user: Any) -> Reader:
    reader, _ = Reader.objects.get_or_create(user=user)
    return reader


def update_profile(reader: Reader, *, display_name: str, website: str) -> Reader:
    """Values already cleaned by the form (`account_forms.ProfileForm`): trimmed, no bidi controls, http(s)."""
    reader.display_name = display_name
    reader.website = website
    reader.save(update_fields=["display_name", "website"])
    return reader


def sign_out_everywhere(user: Any) -> None:
    """End every session of this reader, on every device, this one too.

    Django ties each session to a hash of the user's password field; readers never have a usable password, so
    a fresh unusable one changes that hash and every session made before stops being accepted."""
    if not is_reader(user):
        raise ValueError("only a reader's sessions end this way; staff sign out in the admin")
    user.set_unusable_password()
    user.save(update_fields=["password"])
