"""A signed-in reader's avatar, kept on our server: readers' browsers never ask the reader's site for it.

The picture their sign-in named (a profile photo, a Fediverse avatar) is fetched once through the outbound
fetcher (2 MB, 10 seconds), decoded by Pillow only as PNG, JPEG, GIF or WebP (SVG can hold script; other
decoders, EPS above all, are not for strangers' bytes), refused when it claims more pixels than a photo has
(a decompression bomb claims millions from a few bytes), and written anew as a 96x96 PNG: what we serve is an
image we made, not bytes someone sent. Any failure leaves the reader's picture as it was (the identicon when
there was none) and says why in the log; it never raises.
"""

import io
import logging
import secrets

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from sampan.core import pagecache
from sampan.core.outbound import OutboundError, fetch

log = logging.getLogger(__name__)

PURPOSE = "reader avatar"
MAX_AVATAR_BYTES = 2 * 1024 * 1024
TIMEOUT = 10.0
MAX_PIXELS = 25_000_000  # a large camera photo; a header claiming more is refused before decoding
SIZE = 96
FORMATS = ("PNG", "JPEG", "GIF", "WEBP")


class NotAnAvatar(ValueError):
    """The answer is not a picture we will keep; the message says why, in one line."""


def fetch_avatar(reader, url: str) -> bool:  # type: ignore[no-untyped-def]
    """Fetch `url`, re-encode it and keep it as `reader.avatar` (the old file goes). True when kept."""
    if not url:
        return False
    try:
        fetched = fetch(
            url,
            purpose=PURPOSE,
            headers={"Accept": "image/png, image/webp, image/jpeg, image/gif"},
            max_bytes=MAX_AVATAR_BYTES,
            timeout=TIMEOUT,
        )
        if fetched.status != 200:
            raise NotAnAvatar(f"the server answered {fetched.status}")
        picture = avatar_png(fetched.body)
    except (OutboundError, NotAnAvatar) as exc:
        log.warning("Avatar for reader %s not kept (the identicon stays): %s", reader.pk, exc)
        return False
    except (
        Exception
    ):  # a decoder or storage fault of our own: logged in full, and the reader keeps the identicon
        log.exception("Avatar for reader %s not kept (the identicon stays): unexpected error", reader.pk)
        return False
    try:
        replace_avatar(reader, picture)
    except OSError:
        log.exception("Avatar for reader %s could not be stored (the identicon stays)", reader.pk)
        return False
    return True


def avatar_png(body: bytes) -> bytes:
    """`body` decoded and drawn anew as a SIZExSIZE PNG, or NotAnAvatar."""
    if body.lstrip()[:5].lower() in {b"<?xml", b"<svg "} or b"<svg" in body[:1024].lower():
        raise NotAnAvatar("an SVG picture (it can hold script)")
    try:
        with Image.open(io.BytesIO(body), formats=FORMATS) as image:
            if image.width * image.height > MAX_PIXELS:
                raise NotAnAvatar(f"a picture of {image.width}x{image.height} pixels, more than any avatar")
            image.seek(0)  # the first frame of an animation
            image.draft("RGB", (SIZE * 2, SIZE * 2))  # JPEG: decode at a reduced scale, cheaper and enough
            square = ImageOps.fit(ImageOps.exif_transpose(image).convert("RGBA"), (SIZE, SIZE))
    except Image.DecompressionBombError:
        raise NotAnAvatar(
            "a picture claiming more pixels, more than any avatar (a decompression bomb)"
        ) from None
    except UnidentifiedImageError as exc:
        raise NotAnAvatar(f"not a PNG, JPEG, GIF or WebP picture ({exc})") from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise NotAnAvatar(f"a picture that cannot be read ({exc})") from None
    out = io.BytesIO()
    square.save(out, format="PNG", optimize=True)
    return out.getvalue()


def replace_avatar(reader, picture: bytes) -> None:  # type: ignore[no-untyped-def]
    """Keep `picture` as the reader's avatar under a fresh name (a cached old copy is never served as the
    new one), then delete the old file."""
    old = reader.avatar.name if reader.avatar else ""
    reader.avatar.save(f"{secrets.token_hex(12)}.png", ContentFile(picture), save=False)
    reader.save(update_fields=["avatar"])
    if old and old != reader.avatar.name:
        reader.avatar.storage.delete(old)
    pagecache.invalidate()  # cached threads show the reader's picture: none may point at the deleted file


def remove_avatar(reader) -> None:  # type: ignore[no-untyped-def]
    """Delete the avatar file; the reader shows the identicon again."""
    if reader.avatar:
        reader.avatar.delete(save=False)
        pagecache.invalidate()
