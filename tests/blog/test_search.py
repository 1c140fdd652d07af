"""Full-text search as a reader uses it. Runs on SQLite (FTS5) and on PostgreSQL (DATABASE_URL=postgres://…)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sampan.blog import search, services
from tests.factories import local, make_post

pytestmark = pytest.mark.django_db


def found(query: str) -> list[str]:
    return [post.title for post in search.search_posts(query)]


def result_titles(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return re.findall(r'class="entry-title p-name"[^>]*><a [^>]*>([^<]*)</a>', response.text)


@pytest.fixture
def harbour():
    return make_post(
        "Evening at the harbour",
        body="The fishing boats come in at dusk and the gulls follow them.",
        published_at=local(2024, 3, 2),
    )


def test_search_finds_posts_by_a_word_in_the_title(harbour):
    make_post("Mountain walk", body="Nothing about water.")
    assert found("harbour") == ["Evening at the harbour"]


def test_search_finds_posts_by_words_in_the_body(harbour):
    make_post("Mountain walk", body="Nothing about water.")
    assert found("gulls") == ["Evening at the harbour"]
    assert found("fishing dusk") == ["Evening at the harbour"]


def test_search_requires_every_word(harbour):
    make_post("Gulls on the mountain", body="Lost birds.")
    assert found("gulls dusk") == ["Evening at the harbour"]
    assert found("gulls volcano") == []


def test_search_matches_other_forms_of_a_word(harbour):
    assert found("boat") == ["Evening at the harbour"]
    assert found("harbours") == ["Evening at the harbour"]


def test_search_treats_the_last_word_as_the_start_of_a_word(harbour):
    assert found("evening harb") == ["Evening at the harbour"]


def test_search_is_case_insensitive(harbour):
    make_post("Café crème", body="A small café by the water.")
    assert found("HARBOUR") == ["Evening at the harbour"]
    assert found("CAFÉ") == ["Café crème"]


def test_search_without_accents_finds_words_with_accents():
    make_post("Café crème", body="A small café by the water.")
    make_post("Naïve art", body="Painted on a piñata.")
    assert found("cafe creme") == ["Café crème"]
    assert found("naive pinata") == ["Naïve art"]


def test_search_with_accents_finds_words_without_them():
    make_post("Resume writing", body="How to write a resume.")
    assert found("résumé") == ["Resume writing"]


def test_search_finds_words_in_scripts_without_accents_too():
    make_post("Korean", body="한국어 문서")
    make_post("Greek", body="Το νερό είναι κρύο")  # noqa: RUF001
    assert found("한국어") == ["Korean"]
    assert found("νερό") == ["Greek"]


def test_search_ranks_title_matches_above_body_matches():
    make_post("Notes from the shore", body="A kayak, a kayak, and a kayak.", published_at=local(2024, 3, 5))
    make_post("Kayak", body="Paddling today.", published_at=local(2024, 3, 1))
    assert found("kayak") == ["Kayak", "Notes from the shore"]


def test_search_never_finds_drafts_scheduled_or_private_posts(harbour):
    make_post("Draft harbour", status="draft")
    make_post("Private harbour", status="private")
    make_post("Pending harbour", status="pending")
    make_post("Scheduled harbour", published_at=timezone.now() + timedelta(days=2))
    assert found("harbour") == ["Evening at the harbour"]


def test_search_does_not_reveal_words_of_a_password_protected_post():
    make_post("Locked harbour", password="sesame", body="The treasure is under the jetty.")
    assert found("treasure") == []
    assert found("locked") == ["Locked harbour"]


def test_search_finds_live_pages_too():
    make_post("About the harbour", kind="page", body="Who we are.")
    assert found("harbour") == ["About the harbour"]


def test_search_follows_edits_to_a_post(harbour):
    harbour.title = "Morning at the jetty"
    harbour.body = "Only pelicans now."
    services.save_post(harbour, previous_status="publish")
    assert found("gulls") == []
    assert found("pelicans") == ["Morning at the jetty"]


def test_search_forgets_a_deleted_post(harbour):
    services.delete_post(harbour)
    assert found("harbour") == []


def test_search_forgets_a_post_that_went_back_to_draft(harbour):
    harbour.status = "draft"
    services.save_post(harbour, previous_status="publish")
    assert found("harbour") == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table exists on SQLite only")
def test_fts_table_has_one_row_per_saved_post_and_none_after_delete(harbour):
    def rows() -> int:
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {search.FTS_TABLE} WHERE rowid = %s", [harbour.pk])  # noqa: S608
            return cur.fetchone()[0]

    services.save_post(harbour, previous_status="publish")
    assert rows() == 1
    services.delete_post(harbour)
    assert rows() == 0


HOSTILE_QUERIES = [
    '"',
    '"harbour',
    'harbour"',
    "harbour*",
    "*",
    "harbour AND gulls",
    "AND",
    "OR NOT AND",
    "-harbour",
    "harbour -gulls",
    "(harbour",
    "harbour)",
    "NEAR(harbour gulls)",
    "NEAR",
    "title:harbour",
    "harbour^",
    "'harbour'",
    "harbour & gulls | !boats <-> x:*",
    "\\",
    "%",
    "_",
    "a_b",
    "🙂",
    "🙂 harbour",
    "ὕδωρ 水 الماء",
    "x" * 200,
    "harbour " * 40,
    "h a r b o u r",
    "⑴ ⒜ ㈠ ½ ﬁ ﹠",
    "harbour ⑴",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_search_syntax_characters_are_plain_text_not_errors(client, harbour, query):
    response = client.get("/", {"s": query})
    assert response.status_code == 200
    assert 'name="s"' in response.text


@pytest.mark.parametrize("query", ['"harbour', "harbour*", "(harbour", "harbour)", "-harbour", "harbour!"])
def test_search_words_wrapped_in_syntax_characters_still_find_the_post(harbour, query):
    assert found(query) == ["Evening at the harbour"]


def test_search_operator_words_are_searched_as_words():
    make_post("Rock and roll", body="Music.")
    make_post("Rock", body="Stone.")
    assert "Rock and roll" in found("rock AND roll")
    assert "Rock" not in found("rock AND roll")


def test_empty_search_shows_the_search_form_and_no_results(client, harbour):
    for query in ("", "   ", "🙂", "?!"):
        response = client.get("/", {"s": query})
        assert result_titles(response) == []
        assert '<form role="search"' in response.text
        assert "Nothing found" in response.text


def test_search_page_lists_matching_posts(client, harbour):
    make_post("Mountain walk", body="Nothing about water.")
    response = client.get("/", {"s": "harbour"})
    assert result_titles(response) == ["Evening at the harbour"]
    assert "Search Results for: harbour" in response.text
    assert 'value="harbour"' in response.text


def test_search_path_form_works_like_the_query_string(client, harbour):
    assert result_titles(client.get("/search/fishing+boats/")) == ["Evening at the harbour"]


def test_search_result_pages_ask_search_engines_not_to_index_them(client, harbour):
    for response in (client.get("/", {"s": "harbour"}), client.get("/search/harbour/"), client.get("/?s=")):
        assert response["X-Robots-Tag"] == "noindex"
        assert '<meta name="robots" content="noindex">' in response.text


def test_search_echoes_the_query_escaped(client):
    response = client.get("/", {"s": '<script>alert("x")</script>'})
    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;" in response.text


def test_search_query_longer_than_200_characters_is_cut_not_refused(client, harbour):
    response = client.get("/", {"s": "harbour " + "y" * 500})
    assert response.status_code == 200
    assert result_titles(response) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(st.characters(exclude_categories=("Cs",)), max_size=60))
def test_no_typed_text_makes_search_fail(harbour, query):
    results = search.search_posts(query)
    assert results in ([], [harbour])
