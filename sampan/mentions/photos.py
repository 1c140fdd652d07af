"""A mention author's photo, kept on our server: readers' browsers never ask the other site for it.

Fetched through the outbound fetcher (small size cap, short timeout), decoded with Pillow and written anew as a
small PNG, so what we serve is an image we made, not bytes someone sent. SVG (which can hold script) and
anything Pillow cannot read are refused; the mention then shows without a photo.
"""

import hashlib
import io
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

from sampan.core.outbound import OutboundError, fetch

log = logging.getLogger(__name__)

MAX_PHOTO_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 25_000_000  # a tiny file may claim a huge canvas; refuse before decoding it
SIZE = 96
FOLDER = "mentions/photos"


def keep_photo(url: str) -> str:
    """The media path of our copy of the photo at `url`, or "" when there is none to keep."""
    if not url:
        return ""
    name = f"{FOLDER}/{hashlib.sha256(url.encode()).hexdigest()[:32]}.png"
    try:
        fetched = fetch(url, purpose="mention-author-photo", max_bytes=MAX_PHOTO_BYTES, timeout=10)
    except OutboundError as exc:
        log.info("Mention author photo %s not kept: %s", url, exc)
        return ""
    if fetched.status != 200 or "svg" in fetched.content_type:
        return ""
    try:
        with Image.open(io.BytesIO(fetched.body)) as image:
            if image.format == "SVG" or image.width * image.height > MAX_PIXELS:
                return ""
            image.thumbnail((SIZE, SIZE))
            picture = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        log.info("Mention author photo %s is no image we can read: %s", url, exc)
        return ""
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(out.getvalue()))
