"""Avatars without Gravatar: a small symmetric pattern drawn from a keyed hash of the commenter's email.

The hash is an HMAC under the site's secret key, so the picture tells nothing about the address to anyone
without the key (an unkeyed hash of an email, as Gravatar uses, can be looked up by guessing addresses), and
the same email always gets the same picture on this site. The SVG is small enough to sit inline in the page:
no request leaves the page for it, not even one to our own server.
"""

from django.utils.crypto import salted_hmac
from django.utils.html import format_html
from django.utils.safestring import SafeString

GRID = 5  # cells a side; the left half is mirrored onto the right, as faces and most identicons are
BACKGROUND = "#f0f0f1"


def identicon_digest(seed: str) -> bytes:
    """The keyed hash a picture is drawn from: the email (or, without one, the name) as typed, case-folded."""
    value = seed.strip().lower() or "anonymous"
    return salted_hmac("sampan.comments.identicon", value, algorithm="sha256").digest()


def identicon_path(digest: bytes) -> str:
    """The filled cells as one SVG path in a GRID by GRID box: a column of bits per half-column, mirrored."""
    half = (GRID + 1) // 2
    bits = int.from_bytes(digest[:4], "big")
    cells = []
    for column in range(half):
        for row in range(GRID):
            if bits >> (column * GRID + row) & 1:
                cells.append((column, row))
                if column != GRID - 1 - column:
                    cells.append((GRID - 1 - column, row))
    if not cells:  # one chance in 2^15: draw the middle column rather than an empty square
        cells = [(GRID // 2, row) for row in range(GRID)]
    return "".join(f"M{x} {y}h1v1h-1z" for x, y in sorted(cells))


def identicon_colour(digest: bytes) -> str:
    """A hue from the hash, dark enough to stand out on the light background."""
    hue = int.from_bytes(digest[4:6], "big") % 360
    saturation = 45 + digest[6] % 25
    return f"hsl({hue} {saturation}% 38%)"


def identicon_svg(seed: str, *, size: int = 48) -> SafeString:
    """Inline SVG markup for `seed` (an email address, or a name when there is none). Decorative: the name
    beside it says who wrote the comment, so screen readers skip it."""
    digest = identicon_digest(seed)
    return format_html(
        '<svg class="avatar" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {grid} {grid}" width="{size}" '
        'height="{size}" aria-hidden="true" focusable="false" shape-rendering="crispEdges">'
        '<rect width="{grid}" height="{grid}" fill="{background}"/><path fill="{colour}" d="{path}"/></svg>',
        grid=GRID,
        size=size,
        background=BACKGROUND,
        colour=identicon_colour(digest),
        path=identicon_path(digest),
    )
