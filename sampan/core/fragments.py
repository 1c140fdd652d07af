"""Fragments every page shares (site settings, navigation, the sidebar), built once per cache generation.

They live in the shared Django cache under the page cache's current generation, so one `invalidate()` makes
every process rebuild them, exactly when it forgets cached pages. An uncached page (a signed-in writer, the
first reader after a change) then pays for its own content only, not for the furniture around it.
"""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from . import pagecache
from .models import SiteSettings

T = TypeVar("T")
TIMEOUT = 3600


def for_generation(name: str, build: Callable[[], T]) -> T:
    key = f"fragment:{pagecache.current_generation()}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value


def site_settings() -> SiteSettings:
    return for_generation("site-settings", SiteSettings.load)
