"""Fragments every page shares (site settings, navigation, the sidebar, a post's article), built once per
cache generation.

They are kept beside the cached pages, under the page cache's current generation (in its folder with the file
cache; under keys naming it otherwise), so one `invalidate()` makes every process rebuild them, exactly when it forgets cached pages. Each process also keeps what it has read,
filed under the generation it belongs to: the generation is read from the shared cache on every call, so a
process never serves a fragment of a generation that has ended. An uncached page (a signed-in writer, the
first reader after a change) then pays for its own content only, not for the furniture around it.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from . import pagecache
from .models import SiteSettings

T = TypeVar("T")
TIMEOUT = 3600
LOCAL_LIMIT = 1024

_local: dict[tuple[str, str], Any] = {}


def for_generation(name: str, build: Callable[[], T]) -> T:
    generation = pagecache.current_generation()
    try:
        return _local[(generation, name)]  # type: ignore[no-any-return]
    except KeyError:
        pass
    value = pagecache.load_fragment(generation, name)
    if value is None:
        value = build()
        if value is None:
            return value  # type: ignore[return-value]  # nothing to keep (e.g. no post at that address): don't fill the cache with misses
        pagecache.save_fragment(generation, name, value, timeout=TIMEOUT)
    _remember(generation, name, value)
    return value  # type: ignore[no-any-return]


def _remember(generation: str, name: str, value: Any) -> None:
    first = next(iter(_local), None)
    if len(_local) >= LOCAL_LIMIT or (first is not None and first[0] != generation):
        _local.clear()  # a new generation began (or too much is kept): start over
    _local[(generation, name)] = value


def site_settings() -> SiteSettings:
    return for_generation("site-settings", SiteSettings.load)
