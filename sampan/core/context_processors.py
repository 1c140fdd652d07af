from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import fragments


def site(request: HttpRequest) -> dict:
    return {
        "site": SimpleLazyObject(fragments.site_settings),
        "SITE_URL": settings.SITE_URL,
    }
