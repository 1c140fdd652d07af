"""The method registry: which XML-RPC method runs which function, and what a caller gets back.

A method is a plain function taking the request and then the call's parameters; `@method("name")` registers it.
Other apps may register theirs too (pingbacks, say). Every answer is a `methodResponse`: a result, or a fault
with WordPress's codes where WordPress has one, and the interoperability codes (-32xxx) for the protocol.
"""

import inspect
import logging
import xmlrpc.client
from collections.abc import Callable
from typing import Any
from xmlrpc.client import Fault

from django.http import HttpRequest

from .parser import parse_call

log = logging.getLogger(__name__)

MAX_MULTICALL = 50
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603

Method = Callable[..., Any]
_methods: dict[str, Method] = {}


def method(name: str) -> Callable[[Method], Method]:
    def register(function: Method) -> Method:
        _methods[name] = function
        return function

    return register


def method_names() -> list[str]:
    return sorted(_methods)


def invalid_params(reason: str = "") -> Fault:
    return Fault(
        INVALID_PARAMS, "server error. invalid method parameters" + (f": {reason}" if reason else "")
    )


def handle(body: bytes, *, request: HttpRequest) -> str:
    """The XML of the response to one XML-RPC request body."""
    try:
        name, params = parse_call(body)
        result = call(name, params, request=request)
    except Fault as fault:
        return xmlrpc.client.dumps(fault, methodresponse=True, allow_none=True)
    try:
        return xmlrpc.client.dumps((result,), methodresponse=True, allow_none=True)
    except (TypeError, OverflowError):
        log.exception("XML-RPC method %s returned what XML-RPC cannot carry", name)
        internal = Fault(INTERNAL_ERROR, "server error. internal xml-rpc error")
        return xmlrpc.client.dumps(internal, methodresponse=True, allow_none=True)


def call(name: str, params: list[Any], *, request: HttpRequest) -> Any:
    function = _methods.get(name)
    if function is None:
        raise Fault(METHOD_NOT_FOUND, f"server error. requested method {name} does not exist.")
    try:
        inspect.signature(function).bind(request, *params)
    except TypeError:
        raise invalid_params(f"{name} takes different arguments") from None
    try:
        return function(request, *params)
    except Fault:
        raise
    except Exception:
        # A bug of ours: the caller gets a fault, the operator the traceback.
        log.exception("XML-RPC method %s failed", name)
        raise Fault(INTERNAL_ERROR, "server error. internal xml-rpc error") from None


@method("system.listMethods")
def list_methods(request: HttpRequest) -> list[str]:
    return method_names()


@method("system.multicall")
def multicall(request: HttpRequest, calls: Any) -> list[Any]:
    """Several calls in one request (apps use it to save round trips); each answers on its own."""
    if not isinstance(calls, list):
        raise invalid_params("system.multicall takes an array of calls")
    if len(calls) > MAX_MULTICALL:
        raise invalid_params(f"at most {MAX_MULTICALL} calls in one system.multicall")
    return [_one_of_many(entry, request=request) for entry in calls]


def _one_of_many(entry: Any, *, request: HttpRequest) -> Any:
    try:
        if not isinstance(entry, dict) or not isinstance(entry.get("methodName"), str):
            raise invalid_params("each call is a struct with a methodName and params")
        name, params = entry["methodName"], entry.get("params", [])
        if name == "system.multicall":
            raise Fault(INVALID_PARAMS, "system.multicall may not be nested")
        if not isinstance(params, list):
            raise invalid_params("params must be an array")
        return [call(name, params, request=request)]
    except Fault as fault:
        return {"faultCode": fault.faultCode, "faultString": fault.faultString}
