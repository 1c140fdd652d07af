"""Categories and tags as WordPress's term methods show them (taxonomies `category` and `post_tag`)."""

from typing import Any
from xmlrpc.client import Fault

from django.db.models import Count
from django.http import HttpRequest

from sampan.blog.models import Category, Tag

from . import access, params
from .dispatch import method

TAXONOMIES: dict[str, Any] = {"category": Category, "post_tag": Tag}
MAX_TERMS = 1000


def term_struct(term: Any, taxonomy: str) -> dict[str, Any]:
    count = getattr(term, "post_count", None)
    return {
        "term_id": str(term.pk),
        "name": term.name,
        "slug": term.slug,
        "term_group": "0",
        "term_taxonomy_id": str(term.pk),
        "taxonomy": taxonomy,
        "description": getattr(term, "description", ""),
        "parent": str(getattr(term, "parent_id", None) or 0),
        "count": count if count is not None else term.posts.count(),
        "filter": "raw",
    }


def _model(taxonomy: Any) -> Any:
    model = TAXONOMIES.get(str(taxonomy))
    if model is None:
        raise Fault(403, "Invalid taxonomy.")
    return model


@method("wp.getTerms")
def get_terms(
    request: HttpRequest, blog_id: Any, username: Any, password: Any, taxonomy: Any, filters: Any = None
) -> list[dict[str, Any]]:
    access.sign_in(request, username, password)
    model = _model(taxonomy)
    wanted = params.struct(filters or {}, "filter")
    terms = model.objects.annotate(post_count=Count("posts"))
    if wanted.get("search"):
        terms = terms.filter(name__icontains=params.text(wanted["search"], "search"))
    if wanted.get("hide_empty") and params.flag(wanted["hide_empty"], "hide_empty"):
        terms = terms.filter(post_count__gt=0)
    number = min(max(params.integer(wanted.get("number", MAX_TERMS), "number"), 0), MAX_TERMS)
    offset = max(params.integer(wanted.get("offset", 0), "offset"), 0)
    return [term_struct(term, str(taxonomy)) for term in terms.order_by("name")[offset : offset + number]]


@method("wp.getTerm")
def get_term(
    request: HttpRequest, blog_id: Any, username: Any, password: Any, taxonomy: Any, term_id: Any
) -> dict[str, Any]:
    access.sign_in(request, username, password)
    term = _model(taxonomy).objects.filter(pk=params.integer(term_id, "term_id")).first()
    if term is None:
        raise Fault(404, "Invalid term ID.")
    return term_struct(term, str(taxonomy))
