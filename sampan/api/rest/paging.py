"""List pagination, WordPress-style: the body is a plain JSON array; the totals and neighbours are headers."""

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

MAX_PER_PAGE = 100


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return f"{settings.SITE_URL}{request.path}?{urlencode(sorted(query.lists()), doseq=True)}"


def paginate(items: QuerySet[Any], *, page: int, per_page: int, request: HttpRequest,
             response: HttpResponse) -> list[Any]:  # fmt: skip
    """One page of `items`; sets X-Total-Count, X-Total-Pages and a Link header (rel next/prev)."""
    total = items.count()
    pages = max(1, -(-total // per_page))
    response.headers["X-Total-Count"] = str(total)
    response.headers["X-Total-Pages"] = str(pages)
    links = []
    if page < pages:
        links.append(f'<{_page_url(request, page + 1)}>; rel="next"')
    if 1 < page <= pages + 1:
        links.append(f'<{_page_url(request, min(page - 1, pages))}>; rel="prev"')
    if links:
        response.headers["Link"] = ", ".join(links)
    start = (page - 1) * per_page
    return list(items[start : start + per_page]) if start < total else []
