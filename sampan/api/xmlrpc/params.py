"""Reading a method's arguments as the types it needs: apps are loose (an id as int or string, a flag as
int or boolean), so accept what is unambiguous and answer a fault for anything else."""

from datetime import datetime
from typing import Any
from xmlrpc.client import Fault

INVALID_PARAMS = -32602


def _wrong(name: str, wanted: str) -> Fault:
    return Fault(INVALID_PARAMS, f"server error. invalid method parameters: {name} must be {wanted}")


def text(value: Any, name: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _wrong(name, "a string")
    return str(value)


def optional_text(value: Any, name: str) -> str | None:
    return None if value is None else text(value, name)


def struct(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _wrong(name, "a struct")
    return value


def array(value: Any, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise _wrong(name, "an array")
    return value


def integer(value: Any, name: str) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdecimal() and len(value) < 30:
        value = int(value.strip())
    # Beyond 64 bits no database column holds it; saying so beats an overflow deep in the ORM.
    if isinstance(value, int) and -(2**63) <= value < 2**63:
        return value
    raise _wrong(name, "an integer")


def flag(value: Any, name: str) -> bool:
    """A boolean as apps send it: a boolean, 0/1, or "true"/"false"/"open"/"closed"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str) and value.strip().lower() in _WORDS:
        return _WORDS[value.strip().lower()]
    raise _wrong(name, "a boolean")


_WORDS = {"1": True, "true": True, "open": True, "yes": True, "0": False, "false": False, "closed": False,
          "no": False, "": False}  # fmt: skip


def moment(value: Any, name: str) -> datetime:
    if not isinstance(value, datetime):
        raise _wrong(name, "a dateTime.iso8601")
    return value


def names(value: Any, name: str) -> list[str]:
    """A list of names, sent as an array of strings or as one comma-separated string (`mt_keywords`)."""
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, list):
        items = [text(item, name) for item in value]
    else:
        raise _wrong(name, "an array of names")
    return [item.strip() for item in items if item.strip()]
