"""Images uploaded from an app (metaWeblog.newMediaObject, wp.uploadFile): checked like the admin's featured
images are, then kept in the default storage under uploads/YYYY/MM/."""

from io import BytesIO
from pathlib import PurePosixPath
from typing import Any
from xmlrpc.client import Fault

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.text import get_valid_filename
from PIL import Image

from sampan.blog import images

from . import params
from .shapes import absolute

MIME_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}


def save_upload(*, user: Any, data: dict[str, Any]) -> dict[str, Any]:
    if not user.has_perm("blog.add_post"):
        raise Fault(401, "Sorry, you are not allowed to upload files.")
    bits, name = data.get("bits"), params.text(data.get("name", ""), "name")
    if not isinstance(bits, bytes) or not bits:
        raise Fault(500, "Could not write file: the upload holds no data (bits must be base64).")
    fmt = _image_format(bits)
    stem = _stem(name)
    # The extension follows what the file is, not what it is called: a browser trusts the extension.
    folder = timezone.now().strftime("uploads/%Y/%m/")
    clean = images.without_metadata(bits)  # a phone photo must not publish where it was taken
    saved = default_storage.save(f"{folder}{stem}.{images.ACCEPTED_FORMATS[fmt]}", ContentFile(clean))
    return {
        "id": saved,
        "file": PurePosixPath(saved).name,
        "url": absolute(default_storage.url(saved)),
        "type": MIME_TYPES[fmt],
    }


def _stem(name: str) -> str:
    try:
        return get_valid_filename(PurePosixPath(name.replace("\\", "/")).stem)[:80] or "upload"
    except SuspiciousFileOperation:  # nothing usable left of the name ("..", "")
        return "upload"


def _image_format(bits: bytes) -> str:
    try:
        images.check_upload(BytesIO(bits), size=len(bits))
    except images.ImageRefused as refused:
        raise Fault(500, f"Could not write file: {refused}") from None
    with Image.open(BytesIO(bits)) as image:
        return str(image.format)
