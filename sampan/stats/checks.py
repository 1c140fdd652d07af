"""`sampan check` says when page views are counted in Python because the C tally was not built."""

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register()
def counting_in_c(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from . import recorder

    if not settings.STATS_ENABLED or recorder.FastTally is not None:
        return []
    return [
        checks.Warning(
            "Page views are counted in Python: sampan/stats/_fastcount.c was not built.",
            hint="Install a C compiler and Python's headers (apt-get install gcc python3-dev), then install "
            "Sampan again. Counts are the same; a busy server answers a few percent fewer requests a second.",
            id="stats.W001",
        )
    ]
