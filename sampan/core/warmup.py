"""Work a new server process does before its first reader arrives.

Django loads lazily: the URL configuration (and with it every view module and the REST API's schemas) on the
first request, the reverse-lookup tables on the first `reverse()`, each template on its first use. In a fresh
process the first page therefore took about a second instead of 50 ms, and whoever asked first waited for it;
under load the whole process stalled (docs/performance.md). `warm_up()` does that loading when the process
starts, touching no database, so it works before the first migration too and cannot fail a start.
"""

import logging
import time
from pathlib import Path

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.template.loader import get_template
from django.urls import URLResolver, get_resolver

log = logging.getLogger(__name__)


def warm_up() -> None:
    started = time.perf_counter()
    try:
        _load_urls(get_resolver())
        templates = _compile_templates()
    except Exception:
        # Never keep a server from starting: its first request does the same work and reports what fails.
        log.warning("Warm-up did not finish; the first requests will load what is missing", exc_info=True)
        return
    log.debug("Warmed up in %.0f ms (%d templates)", (time.perf_counter() - started) * 1000, templates)


def _load_urls(resolver: URLResolver) -> None:
    """Import every URL module and build the lookup tables `resolve()` and `reverse()` use, namespaces too."""
    resolver.reverse_dict  # noqa: B018 (building it walks every pattern, importing each view)
    for _prefix, namespaced in resolver.namespace_dict.values():
        _load_urls(namespaced)


def _compile_templates() -> int:
    """Compile Sampan's own templates into the cached loader (other apps' pages, such as the admin's, load on
    first use, as the owner is the only one who waits for them)."""
    ours = Path(settings.BASE_DIR)
    compiled = 0
    for name in engines["django"].template_dirs:
        folder = Path(name)
        if not folder.is_relative_to(ours):
            continue
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.name.startswith("."):
                continue
            try:
                get_template(path.relative_to(folder).as_posix())
            except (TemplateDoesNotExist, TemplateSyntaxError, UnicodeDecodeError):
                continue  # not a template (an image, say); a broken one is reported when it is used
            compiled += 1
    return compiled
