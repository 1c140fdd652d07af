"""HEAD for the REST API: answered as GET without the body (HTTP says every GET resource answers HEAD too), so
clients can check an ETag or a count header cheaply."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

PREFIX = "/api/"


class HeadAsGet:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "HEAD" or not request.path.startswith(PREFIX):
            return self.get_response(request)
        request.method = "GET"
        response = self.get_response(request)
        request.method = "HEAD"
        if not response.streaming:
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response
