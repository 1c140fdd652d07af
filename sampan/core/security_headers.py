"""The security headers every response carries: the Content-Security-Policy (django-csp) and Permissions-Policy.

The policy allows only the site's own origin (docs/privacy.md). It is the same for every reader and every
request, with no nonces: the page cache (core/pagecache.py) stores headers as they went out and serves them
again, so a per-request nonce would be replayed to every later reader and protect nothing. Public pages
therefore carry no inline script at all; their scripts are static files.

The admin alone may use inline `style` attributes (a few of Sampan's admin screens do, and only signed-in
writers see them); scripts stay strictly same-origin there too.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest
from django.http.response import HttpResponseBase

ADMIN_PREFIX = "/admin/"
ADMIN_STYLES = {"style-src": ["'self'", "'unsafe-inline'"]}

# Powerful browser features no page of a blog needs; denied outright, also to anything a post embeds. (Only names
# browsers know: Chromium logs an error on every page for an unknown one, e.g. ambient-light-sensor, bluetooth.)
DENIED_FEATURES = (
    "accelerometer", "autoplay", "browsing-topics", "camera",
    "display-capture", "geolocation", "gyroscope", "hid", "interest-cohort", "magnetometer", "microphone",
    "midi", "payment", "serial", "usb", "xr-spatial-tracking",
)  # fmt: skip
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)


class SecurityHeaders(CSPMiddleware):
    """django-csp's middleware, with the admin's style allowance and the Permissions-Policy header."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(ADMIN_PREFIX) and parts.replace is None:
            parts.replace = ADMIN_STYLES
        return parts

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        response = super().process_response(request, response)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
