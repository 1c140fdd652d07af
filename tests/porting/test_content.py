"""Post text from WordPress renders as it looked there: paragraphs, captions, galleries, blocks, local media."""

from sampan.blog.rendering import render_body
from sampan.porting.content import Picture, paragraphs, to_html
from sampan.porting.media import MediaIndex

PICTURES = {
    20: Picture(url="/media/uploads/2019/03/river.jpg", title="River", parent_wp_id=10),
    21: Picture(url="/media/uploads/2019/03/boat.png", title="Boat", parent_wp_id=10),
}


def test_blank_lines_make_paragraphs_and_single_newlines_make_line_breaks():
    assert paragraphs("One\ntwo\n\nThree") == "<p>One<br />\ntwo</p>\n\n<p>Three</p>"


def test_block_elements_are_left_whole_without_paragraphs_or_breaks_inside():
    html = paragraphs(
        "Intro\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\nAfter\n\n<blockquote>Quoted\ntext</blockquote>"
    )
    assert html == (
        "<p>Intro</p>\n\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n\n<p>After</p>\n\n<blockquote>Quoted\ntext</blockquote>"
    )


def test_nested_blocks_of_the_same_kind_end_at_their_own_closing_tag():
    html = paragraphs("<div><div>inner</div>\n\nstill outer</div>\n\nafter")
    assert html == "<div><div>inner</div>\n\nstill outer</div>\n\n<p>after</p>"


def test_windows_line_endings_are_paragraphs_too():
    assert to_html("One\r\n\r\nTwo") == "<p>One</p>\n\n<p>Two</p>"


def test_caption_shortcode_becomes_a_figure_with_its_caption():
    html = to_html(
        '[caption id="attachment_20" align="alignleft" width="300"]<img src="/a.jpg" alt="A" /> At dawn[/caption]'
    )
    assert (
        html
        == '<figure class="wp-caption alignleft"><img src="/a.jpg" alt="A" /><figcaption>At dawn</figcaption></figure>'
    )


def test_caption_linked_image_and_old_caption_attribute():
    html = to_html('[caption caption="Old style"]<a href="/big.jpg"><img src="/a.jpg" /></a>[/caption]')
    assert (
        html
        == '<figure class="wp-caption"><a href="/big.jpg"><img src="/a.jpg" /></a><figcaption>Old style</figcaption></figure>'
    )


def test_gallery_becomes_a_grid_of_the_imported_pictures():
    html = to_html('[gallery ids="21,20" columns="2"]', pictures=PICTURES)
    assert html.startswith('<figure class="gallery gallery-columns-2"><ul>')
    assert html.index("boat.png") < html.index("river.jpg")
    assert 'alt="Boat"' in html


def test_gallery_without_ids_shows_the_pictures_attached_to_the_post():
    html = to_html("[gallery]", pictures=PICTURES, post_wp_id=10)
    assert "river.jpg" in html and "boat.png" in html
    assert to_html("[gallery]", pictures=PICTURES, post_wp_id=99) == "<p>[gallery]</p>"


def test_unknown_and_escaped_shortcodes_stay_as_text():
    assert to_html('[contact-form to="me"]') == '<p>[contact-form to="me"]</p>'
    assert to_html("[[gallery]]") == "<p>[gallery]</p>"


def test_block_markup_is_kept_as_written_without_added_paragraphs():
    text = "<!-- wp:paragraph -->\n<p>Hi</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:separator -->\n<hr/>\n<!-- /wp:separator -->"
    assert to_html(text) == text
    rendered = render_body(to_html(text), body_format="html")
    assert "wp:" not in rendered and "<p>Hi</p>" in rendered


def test_a_single_custom_html_block_is_unwrapped():
    assert to_html("<!-- wp:html -->\n<p>Kept</p>\n\nas is\n<!-- /wp:html -->") == "<p>Kept</p>\n\nas is"


def test_links_to_old_uploads_and_their_sizes_point_at_the_local_copies():
    index = MediaIndex()
    index.add(
        old_url="http://old.example.org/wp-content/uploads/2019/03/river.jpg",
        key="2019/03/river.jpg",
        local_url="/media/uploads/2019/03/river.jpg",
    )
    text = (
        '<img src="http://old.example.org/wp-content/uploads/2019/03/river-300x200.jpg" '
        'srcset="http://old.example.org/wp-content/uploads/2019/03/river-1024x683.jpg 1024w, '
        'http://old.example.org/wp-content/uploads/2019/03/river.jpg 2048w">'
        '<a href="http://old.example.org/wp-content/uploads/2019/03/other.jpg">not imported</a>'
        '<a href="https://elsewhere.example.net/wp-content/uploads/2019/03/river.jpg">another site</a>'
        '<img src="/wp-content/uploads/2019/03/river-150x150.jpg">'
    )
    html = to_html(text, rewrite_url=index.rewrite)
    assert 'src="/media/uploads/2019/03/river.jpg"' in html
    assert 'srcset="/media/uploads/2019/03/river.jpg 1024w, /media/uploads/2019/03/river.jpg 2048w"' in html
    assert "http://old.example.org/wp-content/uploads/2019/03/other.jpg" in html
    assert "https://elsewhere.example.net/wp-content/uploads/2019/03/river.jpg" in html
    assert '<img src="/media/uploads/2019/03/river.jpg">' in html  # a link relative to the old site
