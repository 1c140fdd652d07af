"""The /xmlrpc.php endpoint: read the body (capped), hand it to the dispatcher, answer XML."""

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from . import blogger, metaweblog, movabletype, pages, pingback, taxonomy, wordpress, wp_comments, wp_site  # noqa: F401 (they register their methods)
from .dispatch import handle
from .parser import MAX_BODY_BYTES

CONTENT_TYPE = "text/xml; charset=utf-8"


@csrf_exempt  # apps sign in with an application password in the call itself; there is no cookie to protect
def xmlrpc_endpoint(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        response = HttpResponseNotAllowed(["POST"], "XML-RPC server accepts POST requests only.")
        response["Content-Type"] = "text/plain; charset=utf-8"
        return response
    # Read past the cap by one byte only, so an oversized body is refused without holding all of it.
    body = request.read(MAX_BODY_BYTES + 1)
    return HttpResponse(handle(body, request=request), content_type=CONTENT_TYPE)
