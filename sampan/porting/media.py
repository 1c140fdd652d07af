"""Attachments: the old site's files brought home, and the old addresses of them mapped to the local copies.

A file comes from `--media-from` (a copy of the old site's wp-content/uploads folder: matched by the path after
/uploads/) or is downloaded through the outbound fetcher. Images are checked like an author's upload and lose
their EXIF (camera, GPS) on the way. Files are kept under MEDIA_ROOT/uploads/ with their year/month folders.
"""

import re
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings

from sampan.blog import images
from sampan.core import outbound

from .wxr import Item

FOLDER = "uploads"
MAX_BYTES = 50 * 1024 * 1024
IMAGE_TYPES = {"jpg", "jpeg", "png", "gif", "webp"}
OTHER_TYPES = {"pdf", "mp3", "m4a", "ogg", "oga", "wav", "mp4", "m4v", "webm", "ogv", "mov", "txt", "csv"}
_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")
_DATED = re.compile(r"(?:^|/)([0-9]{4}/[0-9]{2}/[^/]+)$")
_SAFE = re.compile(r"[^\w.-]+")


class MediaSkipped(Exception):
    """An attachment we do not bring; the message says why."""


def relative_path(item: Item) -> str:
    """Where the file lives below the old uploads folder ("2019/05/photo.jpg"), made safe to write."""
    wanted = next((v for k, v in item.meta if k == "_wp_attached_file" and v.strip()), "")
    if not wanted:
        path = unquote(urlsplit(item.attachment_url).path)
        wanted = path.split(f"/{FOLDER}/", 1)[1] if f"/{FOLDER}/" in path else ""
        if not wanted:
            dated = _DATED.search(path)
            wanted = dated.group(1) if dated else PurePosixPath(path).name
    parts = [_SAFE.sub("-", p).strip(".-") for p in PurePosixPath(wanted.strip("/")).parts]
    parts = [p for p in parts if p and p != ".."]
    if not parts:
        raise MediaSkipped("it has no file name")
    return "/".join(parts)


def uploads_key(url: str) -> str:
    """The part of an old uploads address that names the file ("2019/05/photo.jpg"), or ""."""
    path = unquote(urlsplit(url).path)
    if f"/{FOLDER}/" in path:
        return path.split(f"/{FOLDER}/", 1)[1]
    dated = _DATED.search(path)
    return dated.group(1) if dated else ""


@dataclass
class MediaIndex:
    """Old file paths → local media URLs, and the old sites' upload addresses they may appear under."""

    files: dict[str, str] = field(default_factory=dict)
    hosts: set[str] = field(default_factory=set)

    def add(self, *, old_url: str, key: str, local_url: str) -> None:
        self.files[key] = local_url
        if old_url:
            self.hosts.add(urlsplit(old_url).netloc.lower())

    def rewrite(self, url: str) -> str:
        parts = urlsplit(url.strip())
        relative_upload = not parts.netloc and parts.path.startswith(f"/wp-content/{FOLDER}/")
        if parts.netloc.lower() not in self.hosts and not relative_upload:
            return url
        key = uploads_key(url)
        local = self.files.get(key) or self.files.get(_SIZE_SUFFIX.sub("", key))
        return local or url


def obtain(item: Item, *, media_from: Path | None) -> tuple[str, bytes]:
    """The attachment's relative path and its bytes, checked; `MediaSkipped` says why not."""
    rel = relative_path(item)
    suffix = PurePosixPath(rel).suffix.lower().lstrip(".")
    if suffix not in IMAGE_TYPES | OTHER_TYPES:
        raise MediaSkipped(f"“.{suffix}” files are not brought (only pictures, audio, video and documents)")
    data = _from_folder(media_from, rel, item) if media_from else _download(item.attachment_url)
    if suffix in IMAGE_TYPES:
        try:
            images.check_upload(BytesIO(data), size=len(data))
            data = images.without_metadata(data)
        except images.ImageRefused as err:
            raise MediaSkipped(str(err)) from None
    return rel, data


def _from_folder(folder: Path, rel: str, item: Item) -> bytes:
    candidates = [rel]
    key = uploads_key(item.attachment_url)
    if key and key != rel:
        candidates.append(key)
    root = folder.resolve()
    for candidate in candidates:
        path = (root / candidate).resolve()
        if path.is_relative_to(root) and path.is_file():
            if path.stat().st_size > MAX_BYTES:
                raise MediaSkipped(f"the file is larger than {MAX_BYTES // 1048576} MB")
            return path.read_bytes()
    raise MediaSkipped("the file is not in the --media-from folder")


def _download(url: str) -> bytes:
    if not url:
        raise MediaSkipped("it has no wp:attachment_url")
    try:
        fetched = outbound.fetch(url, purpose="import-wxr", max_bytes=MAX_BYTES)
    except outbound.OutboundError as err:
        raise MediaSkipped(f"download failed: {err}") from None
    if fetched.status != 200:
        raise MediaSkipped(f"download failed: the old site answered {fetched.status}")
    return fetched.body


def save(rel: str, data: bytes) -> tuple[str, Path]:
    """Write the file under MEDIA_ROOT/uploads/, beside (never over) another file of the same name.

    Returns the media-relative name and the path written."""
    root = Path(settings.MEDIA_ROOT) / FOLDER
    target = root / rel
    stem, suffix, n = target.stem, target.suffix, 2
    while target.exists() and target.read_bytes() != data:
        target = target.with_name(f"{stem}-{n}{suffix}")
        n += 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target.relative_to(Path(settings.MEDIA_ROOT)).as_posix(), target


def url_of(name: str) -> str:
    return settings.MEDIA_URL + name
