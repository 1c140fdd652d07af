from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import fragments
from .models import SiteSettings


def site(request: HttpRequest) -> dict:
    return {
        "site": SimpleLazyObject(lambda: fragments.for_generation("site-settings", SiteSettings.load)),
        "SITE_URL": settings.SITE_URL,
    }
