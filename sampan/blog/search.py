"""Full-text search over live posts and pages: SQLite FTS5, or PostgreSQL's text search.

On SQLite, a separate FTS5 table (made by a migration) holds each post's title and words, kept current by
`index_post`, which `services.save_post` calls. On PostgreSQL, the text search runs on the posts table itself.
"""

import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, Func, TextField, Value, When
from django.db.models.expressions import Combinable

from .models import Post
from .rendering import plain_text

FTS_TABLE = "blog_post_fts"
# Letters and digits only: "_" separates words for both FTS5's tokenizer and PostgreSQL's parser.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TERMS = 12
_ACCENTS = "[\u0300-\u036f]"  # combining diacritical marks, once a text is decomposed (NFKD)


def _uses_fts5() -> bool:
    return connection.vendor == "sqlite"


def index_post(post: Post) -> None:
    if not _uses_fts5():
        return
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [post.pk])  # noqa: S608
        cur.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)",  # noqa: S608
            [post.pk, post.title, _searchable_body(post)],
        )


def _searchable_body(post: Post) -> str:
    # A protected post's words are for those who know the password: a search must not reveal them.
    return "" if post.password else plain_text(post.body_html)


def unindex_post(post: Post) -> None:
    if _uses_fts5():
        with connection.cursor() as cur:
            cur.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [post.pk])  # noqa: S608


def search_terms(query: str) -> list[str]:
    """The words of what the reader typed; punctuation and operators are not search syntax for them."""
    return _WORD.findall(query.lower())[:MAX_TERMS]


def _without_accents(text: str) -> str:
    # On PostgreSQL, "café" finds "cafe" and the other way round, as FTS5's remove_diacritics does on SQLite.
    return unicodedata.normalize("NFC", re.sub(_ACCENTS, "", unicodedata.normalize("NFKD", text)))


def _without_accents_sql(expression: Combinable | str) -> Func | Combinable | str:
    """The same as `_without_accents`, in PostgreSQL (13+, UTF-8 databases), needing no extension."""
    with connection.cursor() as cur:
        cur.execute("SHOW server_encoding")
        if cur.fetchone()[0] != "UTF8":
            return expression
    decomposed = Func(expression, template="normalize(%(expressions)s, NFKD)", output_field=TextField())
    bare = Func(decomposed, Value(_ACCENTS), Value(""), Value("g"), function="regexp_replace")
    return Func(bare, template="normalize(%(expressions)s, NFC)", output_field=TextField())


def search_posts(query: str) -> list[Post]:
    """Live posts and pages matching every word, best match first."""
    terms = search_terms(query)
    if not terms:
        return []
    live = Post.objects.live().select_related("author")
    if _uses_fts5():
        # Each term quoted (so no reader input is FTS syntax), the last as a prefix, all required.
        match = " ".join(f'"{t}"' for t in terms[:-1]) + f' "{terms[-1]}"*'
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "  # noqa: S608
                f"ORDER BY bm25({FTS_TABLE}, 5.0, 1.0) LIMIT 500",
                [match.strip()],
            )
            ranked = [row[0] for row in cur.fetchall()]
        by_id = live.in_bulk(ranked)
        return [by_id[pk] for pk in ranked if pk in by_id]
    body = Case(When(password="", then=F("body")), default=Value(""), output_field=TextField())
    vector = SearchVector(_without_accents_sql(F("title")), weight="A", config="english") + SearchVector(
        _without_accents_sql(body), weight="B", config="english"
    )
    # Same meaning as on SQLite: every word required, the last one as a prefix. The words are letters and
    # digits only, so nothing the reader typed is tsquery syntax.
    # Decomposing may turn a letter into several ("⑴" into "(1)"): take the words again.
    terms = _WORD.findall(_without_accents(" ".join(terms)))[:MAX_TERMS]
    if not terms:
        return []
    raw = " & ".join([*terms[:-1], f"{terms[-1]}:*"])
    search_query = SearchQuery(raw, search_type="raw", config="english")
    return list(
        live.annotate(document=vector, rank=SearchRank(vector, search_query))
        .filter(document=search_query)
        .order_by("-rank", "-published_at")[:500]
    )
