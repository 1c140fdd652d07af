"""Avatars drawn here from a keyed hash of the email: the same picture for the same commenter, nothing fetched."""

import lxml.etree
from django.test import override_settings

from sampan.comments.identicons import GRID, identicon_digest, identicon_path, identicon_svg

SVG = "{http://www.w3.org/2000/svg}"


def cells(svg: str) -> set[tuple[int, int]]:
    path = lxml.etree.fromstring(svg).find(f"{SVG}path").get("d")
    return {(int(x), int(y)) for x, y in (part.split("h")[0].split(" ") for part in path[1:].split("zM"))}


def test_same_email_same_picture_whatever_its_case_or_spaces():
    assert identicon_svg("ann@example.org") == identicon_svg("  ANN@Example.org ")


def test_different_emails_get_different_pictures():
    pictures = {identicon_svg(f"reader{n}@example.org") for n in range(50)}
    assert len(pictures) == 50


def test_picture_depends_on_the_sites_secret_so_it_cannot_be_looked_up_elsewhere():
    here = identicon_digest("ann@example.org")
    with override_settings(SECRET_KEY="another site's secret key, long enough to be a key"):
        assert identicon_digest("ann@example.org") != here


def test_picture_is_a_mirrored_pattern_in_a_small_inline_svg():
    svg = str(identicon_svg("ann@example.org"))
    root = lxml.etree.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("aria-hidden") == "true"
    filled = cells(svg)
    assert filled and all((GRID - 1 - x, y) in filled for x, y in filled)
    assert len(svg) < 1200


def test_picture_names_nothing_outside_itself_and_never_the_email():
    svg = str(identicon_svg("ann@example.org"))
    assert "ann" not in svg and "example" not in svg.replace("http://www.w3.org/2000/svg", "")
    assert "href" not in svg and "url(" not in svg and "gravatar" not in svg


def test_an_empty_hash_still_draws_something():
    assert identicon_path(bytes(32))  # no bits set: the middle column is drawn


def test_comment_without_email_gets_a_picture_from_the_name():
    assert identicon_svg("") == identicon_svg("anonymous")
    assert identicon_svg("Bao") != identicon_svg("Chi")
