import struct
import zlib
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from sampan.blog import images, services
from sampan.blog.forms import PostForm
from sampan.blog.models import Post
from tests.factories import make_post

pytestmark = pytest.mark.django_db


def photo_bytes(width: int, height: int, *, fmt: str = "JPEG", orientation: int | None = None) -> bytes:
    """A real photo-like image, with camera metadata and a GPS position in its EXIF."""
    image = Image.new("RGB", (width, height), (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (41.0, 17.0, 0.0)}  # GPS latitude
    if orientation:
        exif[0x0112] = orientation
    out = BytesIO()
    image.save(out, format=fmt, exif=exif.tobytes())
    return out.getvalue()


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge image: a decompression bomb as far as the header goes."""
    out = BytesIO()
    Image.new("L", (1, 1)).save(out, format="PNG")
    data = bytearray(out.getvalue())
    ihdr = bytes(data[12:16]) + struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(ihdr))
    return bytes(data)


def post_with_image(content: bytes, name: str = "photo.jpg") -> Post:
    post = make_post("With a picture")
    post.featured_image.save(name, ContentFile(content), save=False)
    services.save_post(post, previous_status=post.status, featured_image_changed=True)
    post.refresh_from_db()
    return post


def test_variants_are_made_for_each_width_smaller_than_the_original():
    post = post_with_image(photo_bytes(1000, 500))
    variants = post.featured_image_variants
    widths = [entry.rsplit(" ", 1)[1] for entry in variants["srcset"].split(", ")]
    assert widths == ["480w", "800w", "1000w"]
    assert (variants["width"], variants["height"]) == (1000, 500)
    storage = post.featured_image.storage
    for name, width in zip(variants["files"], (480, 800), strict=True):
        with storage.open(name) as fh, Image.open(fh) as variant:
            assert variant.format == "WEBP"
            assert variant.size == (width, width // 2)


def test_small_image_gets_no_variants_but_its_size_is_recorded():
    post = post_with_image(photo_bytes(300, 200))
    assert post.featured_image_variants["files"] == []
    assert post.featured_image_variants["srcset"] == f"{post.featured_image.url} 300w"
    assert (post.featured_image_variants["width"], post.featured_image_variants["height"]) == (300, 200)


def test_camera_metadata_and_location_are_stripped_from_the_stored_image():
    post = post_with_image(photo_bytes(900, 600))
    storage = post.featured_image.storage
    for name in [post.featured_image.name, *post.featured_image_variants["files"]]:
        with storage.open(name) as fh, Image.open(fh) as stored:
            assert not stored.getexif(), name


def test_sideways_photo_is_stored_upright():
    # Orientation 6: the camera was turned; the pixels are landscape, the photo is portrait.
    post = post_with_image(photo_bytes(900, 600, orientation=6))
    assert (post.featured_image_variants["width"], post.featured_image_variants["height"]) == (600, 900)
    with post.featured_image.open() as fh, Image.open(fh) as stored:
        assert stored.size == (600, 900)


def test_changing_the_image_removes_the_old_variants():
    post = post_with_image(photo_bytes(1000, 500))
    old_files = post.featured_image_variants["files"]
    post.featured_image.save("second.png", ContentFile(photo_bytes(900, 900, fmt="PNG")), save=False)
    services.save_post(post, previous_status=post.status, featured_image_changed=True)
    storage = post.featured_image.storage
    assert not any(storage.exists(name) for name in old_files)
    assert post.featured_image_variants["width"] == 900


def test_removing_the_image_clears_its_variants():
    post = post_with_image(photo_bytes(1000, 500))
    post.featured_image = ""
    services.save_post(post, previous_status=post.status, featured_image_changed=True)
    post.refresh_from_db()
    assert post.featured_image_variants == {}


def test_text_file_is_refused_with_a_message():
    with pytest.raises(images.ImageRefused, match="not an image"):
        images.check_upload(BytesIO(b"just some words, not a picture"), size=30)


def test_image_over_the_size_limit_is_refused(settings):
    settings.MAX_UPLOAD_IMAGE_BYTES = 1000
    content = photo_bytes(400, 400)
    with pytest.raises(images.ImageRefused, match="largest image Sampan accepts"):
        images.check_upload(BytesIO(content), size=len(content))


def test_image_claiming_a_huge_pixel_count_is_refused_without_decoding_it():
    bomb = png_claiming_size(60_000, 60_000)
    with pytest.raises(images.ImageRefused, match="megapixels"):
        images.check_upload(BytesIO(bomb), size=len(bomb))


def test_post_form_refuses_a_non_image_upload_with_a_clear_message():
    upload = SimpleUploadedFile("notes.jpg", b"not really a jpeg", content_type="image/jpeg")
    form = PostForm(data={}, files={"featured_image": upload})
    form.is_valid()
    assert "not an image" in " ".join(form.errors["featured_image"])


def test_post_form_refuses_an_image_claiming_too_many_pixels_with_a_clear_message():
    upload = SimpleUploadedFile("huge.png", png_claiming_size(60_000, 60_000), content_type="image/png")
    form = PostForm(data={}, files={"featured_image": upload})
    form.is_valid()
    assert "the most Sampan accepts is 50 megapixels" in " ".join(form.errors["featured_image"])


def test_animated_gif_keeps_its_frames_and_gets_no_still_variants():
    frames = [Image.new("P", (1000, 600), colour) for colour in (1, 2, 3)]
    out = BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    post = post_with_image(out.getvalue(), "dance.gif")
    assert post.featured_image_variants["files"] == []
    with post.featured_image.open() as fh, Image.open(fh) as stored:
        assert stored.n_frames == 3
