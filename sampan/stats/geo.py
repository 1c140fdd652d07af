"""Countries, only when the owner configured a local GeoIP database (`SAMPAN_GEOIP_PATH`; none by default).

The spool writer asks for the country of a view's address while it makes the view's line, in the server process
and before anything reaches the disk; only the two-letter code is kept, never the address. The file is any
MaxMind-format country database (GeoLite2-Country, DB-IP's free country database, …), read with `maxminddb`
from this machine's disk: no request leaves the server.
"""

import functools
import logging
import threading
from pathlib import Path
from typing import Any

from django.conf import settings

log = logging.getLogger(__name__)
_lock = threading.Lock()
_opened: dict[str, Any] = {}  # path -> reader, or None when the file could not be read


def database_path() -> Path | None:
    return Path(settings.STATS_GEOIP_PATH) if settings.STATS_GEOIP_PATH else None


def problem() -> str:
    """Why countries are not counted although a file is configured; empty when all is well or none is set."""
    path = database_path()
    if path is None:
        return ""
    if _reader(str(path)) is None:
        return f"The GeoIP database {path} could not be read (see the server log)."
    return ""


def _reader(path: str) -> Any:
    if path not in _opened:
        with _lock:
            if path not in _opened:
                import maxminddb

                try:
                    _opened[path] = maxminddb.open_database(path)
                except (OSError, ValueError, maxminddb.InvalidDatabaseError) as error:
                    log.error(
                        "Stats: cannot read the GeoIP database %s (%s); countries are not counted",
                        path,
                        error,
                    )
                    _opened[path] = None
    return _opened[path]


@functools.lru_cache(maxsize=16384)
def country_of(address: str) -> str:
    """The two-letter country code of `address` ("NZ"), or "" (no database, unknown, private, unreadable)."""
    path = database_path()
    reader = _reader(str(path)) if path is not None else None
    if reader is None or not address:
        return ""
    try:
        record = reader.get(address)
    except ValueError:  # not an address, or IPv6 in an IPv4-only database
        return ""
    if not isinstance(record, dict):
        return ""
    for key in ("country", "registered_country"):
        place = record.get(key)
        code = place.get("iso_code") if isinstance(place, dict) else None
        if isinstance(code, str) and len(code) == 2 and code.isascii() and code.isalpha():
            return code.upper()
    return ""


def forget() -> None:
    """Close the database, so the next lookup opens the configured file again (a changed setting, tests)."""
    with _lock:
        for reader in _opened.values():
            if reader is not None:
                reader.close()
        _opened.clear()
    country_of.cache_clear()
