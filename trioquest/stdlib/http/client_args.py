"""What the client's arguments become: ``headers:``, ``params:`` and
``form:`` Dicts as (name, value) pairs, the body of ``body:``/``json:``/
``form:`` with its default Content-Type, ``timeout:`` as seconds (and the
deadline it sets), URLs checked (http or https, a host, a valid port).

Wrong types are TypeErr, impossible values ValueErr, conflicting arguments
ArgErr; each message names the call and the argument (``http.get(headers:)``).
"""

from __future__ import annotations

import re
import sys
from urllib.parse import urlencode

import httpx
import trio

from ...errors import ArgErr, TypeErr, ValueErr
from ...eval.values.forms import to_str, type_name
from .. import json_
from .errors import invalid_url, lower_first

UNSET = object()            # "argument not given" (nil is a value for json:)
MAX_FLOAT = int(sys.float_info.max)     # a timeout above it: no limit
TOKEN = re.compile(r"[-!#$%&'*+.^_`|~0-9A-Za-z]+\Z")     # RFC 9110 token (methods, header names)


def _scalar(value, what: str) -> str:
    cls = value.__class__
    if cls is str:
        return value
    if cls is bool:
        return "true" if value else "false"
    if cls is int or cls is float:
        return to_str(value)
    raise TypeErr(f"{what} must be a Str, Int, Float or Bool, got {type_name(value)}")


def pairs(value, call: str, arg: str) -> list:
    """(name, value) pairs of a headers/params/form Dict; an Array value
    repeats the name once per element."""
    if value is None:
        return []
    if value.__class__ is not dict:
        raise TypeErr(f"{call}({arg}:) expects a Dict, got {type_name(value)}")
    result = []
    for key, item in value.items():
        if key.__class__ is not str:
            raise TypeErr(f"{call}({arg}:) keys must be Str, got {type_name(key)}")
        for v in item if item.__class__ is list else (item,):
            result.append((key, _scalar(v, f"{call}({arg}:) value of '{key}'")))
    return result


def header_pairs(value, call: str) -> list:
    result = []
    for k, v in pairs(value, call, "headers"):
        if not TOKEN.match(k):
            raise ValueErr(f"{call}(headers:) has an invalid header name '{k}'")
        result.append((k, v.encode()))
    return result


def seconds(value, call: str):
    """Seconds > 0, or None (no limit): nil, and a number too big for a
    Float (``10 ** 400``), which no deadline could reach anyway."""
    if value is None:
        return None
    if (value.__class__ is int or value.__class__ is float) and value > 0:
        if value.__class__ is int and value > MAX_FLOAT:
            return None
        return value
    raise TypeErr(f"{call}(timeout:) expects a number of seconds > 0 or nil, "
                  f"got {to_str(value) if value.__class__ in (int, float) else type_name(value)}")


def content(call: str, body, json, form):
    """(bytes or None, default Content-Type or None) of the body arguments."""
    given = [name for name, v in (("body", body), ("json", json), ("form", form))
             if v is not UNSET]
    if len(given) > 1:
        raise ArgErr(f"{call}() takes only one of body:, json: and form: "
                     f"(got {', '.join(n + ':' for n in given)})")
    if json is not UNSET:
        return json_.stringify(json).encode(), "application/json"
    if body is not UNSET and body is not None:
        if body.__class__ is str:
            return body.encode(), "text/plain; charset=utf-8"
        if body.__class__ is bytes:
            return body, "application/octet-stream"
        raise TypeErr(f"{call}(body:) expects a Str or Bytes, got {type_name(body)}")
    if form is not UNSET and form is not None:
        return urlencode(pairs(form, call, "form")).encode(), "application/x-www-form-urlencoded"
    return None, None


def check_url(full: httpx.URL, given: str) -> None:
    if full.scheme not in ("http", "https"):
        reason = (f"the scheme must be http or https, not {full.scheme}" if full.scheme
                  else "it must start with http:// or https://")
    elif not _host(full, given):
        reason = "no host"
    elif full.port is not None and not 0 < full.port < 65536:
        reason = f"port {full.port} is out of range"
    else:
        return
    raise invalid_url(given, reason)


def _host(url: httpx.URL, given: str) -> str:
    try:
        return url.host
    except UnicodeError as exc:      # an invalid IDNA name (http://xn--/)
        raise invalid_url(given, lower_first(str(exc))) from None


def url_arg(url, call: str, arg: str = "url") -> str:
    if url.__class__ is not str:
        raise TypeErr(f"{call}() expects a Str {arg}, got {type_name(url)}")
    return url


def deadline(timeout):
    """The scope a ``timeout:`` in seconds sets (none for nil)."""
    return trio.CancelScope() if timeout is None else trio.move_on_after(timeout)


def secs(s) -> str:
    return f"{s:g} second" + ("" if s == 1 else "s")
