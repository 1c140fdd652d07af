"""Featured images: refuse what is not a usable image, strip what a photo tells about its author, make sizes.

Uploads are checked from their header before any pixel is decoded, so a small file that claims to be a
gigantic image (a decompression bomb) is refused without costing memory.
"""

import logging
import warnings
from io import BytesIO
from pathlib import PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import Post

log = logging.getLogger(__name__)

VARIANT_WIDTHS = (480, 800, 1200)
# 50 megapixels is more than any phone camera; a bigger claim is an error or an attack.
MAX_PIXELS = 50_000_000
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


class ImageRefused(ValueError):
    """An upload we will not use; the message is written for the author."""


def check_upload(file: IO[bytes], *, size: int | None) -> None:
    """Refuse a file that is too big, not an image we accept, or claims too many pixels."""
    limit = settings.MAX_UPLOAD_IMAGE_BYTES
    if size is not None and size > limit:
        raise ImageRefused(
            f"This file is {size / 1048576:.1f} MB; the largest image Sampan accepts is {limit / 1048576:.0f} MB."
        )
    position = file.tell()
    try:
        with _opened(file) as im:
            fmt, (width, height) = im.format, im.size
    finally:
        file.seek(position)
    if fmt not in ACCEPTED_FORMATS:
        raise ImageRefused(f"{fmt} images are not accepted; upload a JPEG, PNG, GIF or WebP image.")
    _check_pixels(width, height)


def _opened(file: IO[bytes]) -> Image.Image:
    try:
        # Pillow only warns between its limit and twice it; make that a refusal too.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(file)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        raise ImageRefused(
            f"This image has too many pixels; the most Sampan accepts is {_megapixels()}."
        ) from err
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as err:
        raise ImageRefused("This file is not an image; upload a JPEG, PNG, GIF or WebP image.") from err


def _check_pixels(width: int, height: int) -> None:
    if width * height > MAX_PIXELS:
        raise ImageRefused(
            f"This image is {width} by {height} pixels; the most Sampan accepts is {_megapixels()}."
        )


def _megapixels() -> str:
    return f"{MAX_PIXELS // 1_000_000} megapixels"


def make_featured_image_variants(post: Post) -> dict[str, Any]:
    """Rewrite the post's featured image without metadata, upright, and store smaller copies beside it.

    Sets and saves `post.featured_image_variants` (`srcset`, `width`, `height`, and the variant `files`, so
    that the next change can remove them). An empty image clears them.
    """
    _remove_old_variants(post)
    variants: dict[str, Any] = {}
    if post.featured_image:
        storage = post.featured_image.storage
        with storage.open(post.featured_image.name, "rb") as fh:
            check_upload(fh, size=None)
            with _opened(fh) as original:
                fmt = original.format or "PNG"
                animated = bool(getattr(original, "is_animated", False))
                image = ImageOps.exif_transpose(original) or original
        if not animated:
            # An animated GIF keeps its frames as uploaded; re-encoding it here would keep only the first.
            post.featured_image.name = _replace(post.featured_image.name, image, fmt=fmt, storage=storage)
        variants = _variants(post.featured_image.name, image, storage=storage, skip=animated)
    post.featured_image_variants = variants
    Post.objects.filter(pk=post.pk).update(
        featured_image=post.featured_image.name or "", featured_image_variants=variants
    )
    return variants


def without_metadata(data: bytes) -> bytes:
    """An uploaded image's bytes again, upright and without EXIF (camera, GPS position), XMP or text chunks.

    Call `check_upload` first. Animated images are returned as they came (re-encoding keeps one frame).
    """
    with _opened(BytesIO(data)) as original:
        if getattr(original, "is_animated", False):
            return data
        fmt = original.format or "PNG"
        image = ImageOps.exif_transpose(original) or original
        return _encode(image, fmt)


def _encode(image: Image.Image, fmt: str) -> bytes:
    """The pixels only: no EXIF (camera, GPS position), XMP or text chunks; the colour profile stays."""
    if fmt == "JPEG" and image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    elif fmt == "WEBP":
        image = _web_ready(image)
    options: dict[str, Any] = {"quality": 88} if fmt in ("JPEG", "WEBP") else {}
    if image.info.get("icc_profile"):
        options["icc_profile"] = image.info["icc_profile"]
    out = BytesIO()
    # Savers write metadata only when asked for it in these options, never from `image.info`.
    image.save(out, format=fmt, **options)
    return out.getvalue()


def _web_ready(image: Image.Image) -> Image.Image:
    has_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
    wanted = "RGBA" if has_alpha else "RGB"
    return image if image.mode == wanted else image.convert(wanted)


def _replace(name: str, image: Image.Image, *, fmt: str, storage: Any) -> str:
    data = _encode(image, fmt)
    storage.delete(name)
    return str(storage.save(name, ContentFile(data)))


def _variants(name: str, image: Image.Image, *, storage: Any, skip: bool) -> dict[str, Any]:
    width, height = image.size
    path = PurePosixPath(name)
    files, sources = [], []
    smaller = [] if skip else [w for w in VARIANT_WIDTHS if w < width]
    base = _web_ready(image) if smaller else image
    for wanted in smaller:
        copy = base.resize((wanted, max(1, round(height * wanted / width))), Image.Resampling.LANCZOS)
        target = str(path.with_name(f"{path.stem}-{wanted}w.webp"))
        saved = str(storage.save(target, ContentFile(_encode(copy, "WEBP"))))
        files.append(saved)
        sources.append(f"{storage.url(saved)} {wanted}w")
    sources.append(f"{storage.url(name)} {width}w")
    return {"srcset": ", ".join(sources), "width": width, "height": height, "files": files}


def _remove_old_variants(post: Post) -> None:
    old = Post.objects.filter(pk=post.pk).values_list("featured_image_variants", flat=True).first() or {}
    storage = post.featured_image.storage
    for name in old.get("files", []) if isinstance(old, dict) else []:
        try:
            storage.delete(name)
        except OSError:
            log.warning("Could not remove old image variant %s of post %s", name, post.pk, exc_info=True)
