"""``std/time`` (LANGUAGE.md §12): instants, zoned date-times, civil dates and
times, spans and date ranges, in the manner of Rust's jiff.

Decisions where the reference document is silent:

* string forms are ISO 8601: Timestamp ``2024-01-15T10:30:00Z``, Zoned
  ``2024-01-15T10:30:00-05:00[America/New_York]``, Date ``2024-01-15``, Time
  ``10:30:00`` (a fraction only when non-zero), Span ``P1DT2H30M`` (``PT0S``
  when empty), DateRange ``2024-01-01..2024-01-31``; ``_rep()`` wraps them:
  ``Date(2024-01-15)``;
* ``day_of_week()`` is ISO: Monday 1 ... Sunday 7;
* ``format(fmt)`` takes strftime directives;
* a Span keeps calendar units (years, months, days) apart from clock units;
  ``as_hours()`` and friends count a day as 24 hours and reject spans with
  years or months (their length depends on the date);
* ``humanize()`` lists non-zero units: ``1 day, 2 hours, 30 minutes``.

Timestamps have nanosecond precision; Zoned values keep Python's
microseconds plus the remaining nanoseconds.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import time as pytime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import TypeErr, ValueErr
from ..eval.values.forms import type_name, unawaited
from ..eval.values.methods import register
from ..eval.values.modules import QModule
from .time_args import amount, civil, count, in_range, of_type, text

NS = 1_000_000_000
_START = pytime.perf_counter()
_UNITS = ("years", "months", "days", "hours", "minutes", "seconds")


def _zone(name):
    if isinstance(name, dt.tzinfo):
        return name
    if name.__class__ is not str:
        raise TypeErr(f"Expected a time zone name (Str), got {type_name(name)}")
    if name.upper() == "UTC":
        return dt.timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueErr(f"Unknown time zone '{name}'") from None


def _zone_name(tz) -> str:
    if tz is dt.timezone.utc:
        return "UTC"
    return getattr(tz, "key", None) or str(tz)


def _frac(ns: int) -> str:
    if not ns:
        return ""
    return "." + f"{ns:09d}".rstrip("0")


def _offset(d: dt.datetime) -> str:
    off = d.utcoffset() or dt.timedelta(0)
    total = int(off.total_seconds())
    sign = "-" if total < 0 else "+"
    total = abs(total)
    return f"{sign}{total // 3600:02d}:{total % 3600 // 60:02d}"


# -- Span ------------------------------------------------------------------------


class Span:
    _q_name = "Span"
    __slots__ = ("years", "months", "days", "hours", "minutes", "seconds", "nanos")

    def __init__(self, years=0, months=0, days=0, hours=0, minutes=0, seconds=0, nanos=0):
        self.years, self.months, self.days = years, months, days
        self.hours, self.minutes, self.seconds, self.nanos = hours, minutes, seconds, nanos

    def parts(self) -> tuple:
        return (self.years, self.months, self.days, self.hours, self.minutes, self.seconds,
                self.nanos)

    def __eq__(self, other):
        return isinstance(other, Span) and self.parts() == other.parts()

    def clock_ns(self) -> int:
        return ((self.days * 24 + self.hours) * 60 + self.minutes) * 60 * NS \
            + self.seconds * NS + self.nanos

    def total_ns(self) -> int:
        if self.years or self.months:
            raise ValueErr("A span with years or months has no fixed length")
        return self.clock_ns()

    def _q_str(self) -> str:
        date = "".join(f"{v}{u}" for v, u in ((self.years, "Y"), (self.months, "M"),
                                              (self.days, "D")) if v)
        secs = ""
        if self.seconds or self.nanos:
            secs = f"{self.seconds}{_frac(self.nanos)}S"
        clock = "".join(f"{v}{u}" for v, u in ((self.hours, "H"), (self.minutes, "M")) if v) \
            + secs
        if not date and not clock:
            return "PT0S"
        return "P" + date + ("T" + clock if clock else "")

    def _q_rep(self) -> str:
        return f"Span({self._q_str()})"


def _span_from_ns(ns: int) -> Span:
    sign = -1 if ns < 0 else 1
    ns = abs(ns)
    h, rest = divmod(ns, 3600 * NS)
    m, rest = divmod(rest, 60 * NS)
    s, rest = divmod(rest, NS)
    return Span(hours=sign * h, minutes=sign * m, seconds=sign * s, nanos=sign * rest)


def _humanize(s: Span) -> str:
    names = (("year", s.years), ("month", s.months), ("day", s.days), ("hour", s.hours),
             ("minute", s.minutes), ("second", s.seconds))
    parts = [f"{v} {n}{'' if abs(v) == 1 else 's'}" for n, v in names if v]
    if s.nanos:
        parts.append(f"{s.nanos // 1_000_000} milliseconds")
    return ", ".join(parts) if parts else "0 seconds"


def _divisor(k):
    k = amount(k, "Span.divide()", "the divisor")
    if k == 0:
        raise ValueErr("Span.divide(): division by zero")
    return k


def _combine(a: Span, b: Span, k: int) -> Span:
    return Span(*(x + k * y for x, y in zip(a.parts(), b.parts())))


register(Span, {
    **{u: (lambda u: lambda s: getattr(s, u))(u) for u in _UNITS},
    "as_hours": lambda s: s.total_ns() / (3600 * NS),
    "as_minutes": lambda s: s.total_ns() / (60 * NS),
    "as_seconds": lambda s: s.total_ns() / NS,
    "as_millis": lambda s: s.total_ns() // 1_000_000,
    "add": lambda a, b: _combine(a, of_type(b, "Span", "Span.add()"), 1),
    "subtract": lambda a, b: _combine(a, of_type(b, "Span", "Span.subtract()"), -1),
    "multiply": lambda s, k: Span(*(int(x * amount(k, "Span.multiply()", "the factor"))
                                    for x in s.parts())),
    "divide": lambda s, k: _span_from_ns(int(s.total_ns() / _divisor(k))),
    "humanize": _humanize,
})


# -- Timestamp -------------------------------------------------------------------


class Timestamp:
    _q_name = "Timestamp"
    __slots__ = ("ns",)

    def __init__(self, ns: int) -> None:
        self.ns = ns

    def __eq__(self, other):
        return isinstance(other, Timestamp) and other.ns == self.ns

    def to_datetime(self) -> dt.datetime:
        seconds, rest = divmod(self.ns, NS)
        return dt.datetime.fromtimestamp(seconds, dt.timezone.utc) + \
            dt.timedelta(microseconds=rest // 1000)

    def _q_str(self) -> str:
        d = self.to_datetime()
        return d.strftime("%Y-%m-%dT%H:%M:%S") + _frac(self.ns % NS) + "Z"

    def _q_rep(self) -> str:
        return f"Timestamp({self._q_str()})"


register(Timestamp, {
    "to_zoned": lambda t, tz="UTC": Zoned.from_ns(t.ns, _zone(tz)),
    "as_seconds": lambda t: t.ns // NS, "as_millis": lambda t: t.ns // 1_000_000,
    "as_micros": lambda t: t.ns // 1000, "as_nanos": lambda t: t.ns,
    "since": lambda t, other: _span_from_ns(t.ns - _ns_of(other)),
    "format": lambda t, f: t.to_datetime().strftime(text(f, "Timestamp.format()")),
})


def _ns_of(v) -> int:
    if isinstance(v, Timestamp):
        return v.ns
    if isinstance(v, Zoned):
        return v.ns
    raise TypeErr(f"Expected a Timestamp or a Zoned date-time, got {type_name(v)}")


# -- Zoned -----------------------------------------------------------------------


class Zoned:
    _q_name = "Zoned"
    __slots__ = ("dt", "extra_ns")

    def __init__(self, d: dt.datetime, extra_ns: int = 0) -> None:
        self.dt = d
        self.extra_ns = extra_ns

    @staticmethod
    def from_ns(ns: int, tz) -> Zoned:
        seconds, rest = divmod(ns, NS)
        d = dt.datetime.fromtimestamp(seconds, tz) + dt.timedelta(microseconds=rest // 1000)
        return Zoned(d, rest % 1000)

    @property
    def ns(self) -> int:
        return int(self.dt.timestamp()) * NS + self.dt.microsecond * 1000 + self.extra_ns

    def nanos(self) -> int:
        return self.dt.microsecond * 1000 + self.extra_ns

    def __eq__(self, other):
        return isinstance(other, Zoned) and other.ns == self.ns

    def _q_str(self) -> str:
        d = self.dt
        return (d.strftime("%Y-%m-%dT%H:%M:%S") + _frac(self.nanos()) + _offset(d)
                + f"[{_zone_name(d.tzinfo)}]")

    def _q_rep(self) -> str:
        return f"Zoned({self._q_str()})"

    def with_dt(self, d: dt.datetime) -> Zoned:
        return Zoned(d, self.extra_ns)


def _add_months(d, months: int):
    month0 = d.month - 1 + months
    year = d.year + month0 // 12
    month = month0 % 12 + 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    return d.replace(year=year, month=month, day=day)


@in_range("Zoned.add()")
def _zoned_add(z: Zoned, span: Span, k: int = 1) -> Zoned:
    of_type(span, "Span", "Zoned.add()" if k > 0 else "Zoned.subtract()")
    d = _add_months(z.dt, k * (span.years * 12 + span.months))
    d = d + dt.timedelta(days=k * span.days)
    total = k * (span.clock_ns() - span.days * 24 * 3600 * NS) + z.extra_ns
    micro, extra = divmod(total, 1000)
    d = (d.astimezone(dt.timezone.utc) + dt.timedelta(microseconds=micro)).astimezone(d.tzinfo)
    return Zoned(d, extra)


def _unit_adder(unit: str, sign: int):
    where = f"Zoned.{'add' if sign > 0 else 'subtract'}_{unit}()"

    def add(z, n):
        return _zoned_add(z, Span(**{unit: count(n, where, f"the number of {unit}")}), sign)
    return add


def _start_of(z: Zoned, what: str) -> Zoned:
    d = z.dt.replace(hour=0, minute=0, second=0, microsecond=0)
    if what == "month":
        d = d.replace(day=1)
    elif what == "quarter":
        d = d.replace(month=(d.month - 1) // 3 * 3 + 1, day=1)
    return Zoned(d, 0)


def _end_of(z: Zoned, what: str) -> Zoned:
    start = _start_of(z, what)
    months = {"day": 0, "month": 1, "quarter": 3}[what]
    nxt = _add_months(start.dt, months) if months else start.dt + dt.timedelta(days=1)
    return Zoned(nxt - dt.timedelta(microseconds=1), 999)


def _round_to(z: Zoned, unit: str) -> Zoned:
    step = 3600 if unit == "hour" else 60
    seconds = z.dt.minute * 60 + z.dt.second if unit == "hour" else z.dt.second
    base = z.dt.replace(microsecond=0) - dt.timedelta(seconds=seconds)
    frac = seconds + z.nanos() / NS
    if frac * 2 >= step:
        base += dt.timedelta(seconds=step)
    return Zoned(base, 0)


register(Zoned, {
    "year": lambda z: z.dt.year, "month": lambda z: z.dt.month, "day": lambda z: z.dt.day,
    "hour": lambda z: z.dt.hour, "minute": lambda z: z.dt.minute,
    "second": lambda z: z.dt.second, "millisecond": lambda z: z.nanos() // 1_000_000,
    "microsecond": lambda z: z.nanos() // 1000 % 1000, "nanosecond": lambda z: z.nanos() % 1000,
    "day_of_week": lambda z: z.dt.isoweekday(), "day_of_year": lambda z: z.dt.timetuple().tm_yday,
    "timezone": lambda z: _zone_name(z.dt.tzinfo), "quarter": lambda z: (z.dt.month - 1) // 3 + 1,
    "format": lambda z, f: z.dt.strftime(text(f, "Zoned.format()")),
    "to_rfc3339": lambda z: z.dt.strftime("%Y-%m-%dT%H:%M:%S") + _frac(z.nanos()) + _offset(z.dt),
    "to_timezone": lambda z, tz: Zoned(z.dt.astimezone(_zone(tz)), z.extra_ns),
    "to_utc": lambda z: Zoned(z.dt.astimezone(dt.timezone.utc), z.extra_ns),
    **{f"add_{u}": _unit_adder(u, 1) for u in _UNITS},
    **{f"subtract_{u}": _unit_adder(u, -1) for u in _UNITS},
    "add": lambda z, s: _zoned_add(z, s, 1), "subtract": lambda z, s: _zoned_add(z, s, -1),
    "since": lambda z, other: _span_from_ns(z.ns - _ns_of(other)),
    "equals": lambda a, b: a.ns == _ns_of(b), "before": lambda a, b: a.ns < _ns_of(b),
    "after": lambda a, b: a.ns > _ns_of(b),
    "round_to_hour": lambda z: _round_to(z, "hour"),
    "round_to_minute": lambda z: _round_to(z, "minute"),
    "start_of_day": lambda z: _start_of(z, "day"), "end_of_day": lambda z: _end_of(z, "day"),
    "start_of_month": lambda z: _start_of(z, "month"),
    "end_of_month": lambda z: _end_of(z, "month"),
    "start_of_quarter": lambda z: _start_of(z, "quarter"),
    "end_of_quarter": lambda z: _end_of(z, "quarter"),
    "to_timestamp": lambda z: Timestamp(z.ns),
    "date": lambda z: Date(z.dt.date()), "time": lambda z: Time(z.dt.time(), z.extra_ns),
})


# -- Date and Time -------------------------------------------------------------


class Date:
    _q_name = "Date"
    __slots__ = ("d",)

    def __init__(self, d: dt.date) -> None:
        self.d = d

    def __eq__(self, other):
        return isinstance(other, Date) and other.d == self.d

    def _q_str(self) -> str:
        return self.d.isoformat()

    def _q_rep(self) -> str:
        return f"Date({self.d.isoformat()})"


def _date_of(v) -> dt.date:
    if isinstance(v, Date):
        return v.d
    raise TypeErr(unawaited(f"Expected a Date, got {type_name(v)}", v))


def _date_add(where: str, days_per_unit: int = 0, months_per_unit: int = 0):
    @in_range(where)
    def add(x, n):
        n = count(n, where)
        if months_per_unit:
            return Date(_add_months(x.d, months_per_unit * n))
        return Date(x.d + dt.timedelta(days=days_per_unit * n))
    return add


register(Date, {
    "year": lambda x: x.d.year, "month": lambda x: x.d.month, "day": lambda x: x.d.day,
    "day_of_week": lambda x: x.d.isoweekday(), "day_of_year": lambda x: x.d.timetuple().tm_yday,
    "week_number": lambda x: x.d.isocalendar()[1], "iso_year": lambda x: x.d.isocalendar()[0],
    "quarter": lambda x: (x.d.month - 1) // 3 + 1,
    "add_days": _date_add("Date.add_days()", days_per_unit=1),
    "add_months": _date_add("Date.add_months()", months_per_unit=1),
    "add_years": _date_add("Date.add_years()", months_per_unit=12),
    "since": lambda x, other: Span(days=(x.d - _date_of(other)).days),
    "at_time": lambda x, h=0, m=0, s=0, tz="UTC": Zoned(civil(
        dt.datetime, "Date.at_time()", x.d.year, x.d.month, x.d.day, h, m, s, 0, _zone(tz))),
    "equals": lambda a, b: a.d == _date_of(b), "before": lambda a, b: a.d < _date_of(b),
    "after": lambda a, b: a.d > _date_of(b),
    "format": lambda x, f: x.d.strftime(text(f, "Date.format()")),
})


class Time:
    _q_name = "Time"
    __slots__ = ("t", "extra_ns")

    def __init__(self, t: dt.time, extra_ns: int = 0) -> None:
        self.t = t
        self.extra_ns = extra_ns

    def nanos(self) -> int:
        return self.t.microsecond * 1000 + self.extra_ns

    def total_ns(self) -> int:
        return ((self.t.hour * 60 + self.t.minute) * 60 + self.t.second) * NS + self.nanos()

    def __eq__(self, other):
        return isinstance(other, Time) and other.total_ns() == self.total_ns()

    def _q_str(self) -> str:
        return self.t.strftime("%H:%M:%S") + _frac(self.nanos())

    def _q_rep(self) -> str:
        return f"Time({self._q_str()})"


register(Time, {
    "hour": lambda x: x.t.hour, "minute": lambda x: x.t.minute, "second": lambda x: x.t.second,
    "nanosecond": lambda x: x.nanos(),
    "since": lambda x, other: _span_from_ns(
        x.total_ns() - of_type(other, "Time", "Time.since()").total_ns()),
    "format": lambda x, f: x.t.strftime(text(f, "Time.format()")),
})


class DateRange:
    _q_name = "DateRange"
    __slots__ = ("start", "end")

    def __init__(self, start, end) -> None:
        self.start, self.end = start, end

    def _q_str(self) -> str:
        from ..eval.values.forms import to_str

        return f"{to_str(self.start)}..{to_str(self.end)}"


def _key(v):
    if isinstance(v, Date):
        return dt.datetime(v.d.year, v.d.month, v.d.day).timestamp() * NS
    return _ns_of(v)


register(DateRange, {
    "start": lambda r: r.start, "end": lambda r: r.end,
    "contains": lambda r, v: _key(r.start) <= _key(v) <= _key(r.end),
    "overlaps": lambda r, o: _key(r.start) <= _key(of_type(o, "DateRange", "DateRange.overlaps()")
                                                   .end) and _key(o.start) <= _key(r.end),
    "duration": lambda r: Span(days=(r.end.d - r.start.d).days) if isinstance(r.start, Date)
    else _span_from_ns(_key(r.end) - _key(r.start)),
})


# -- module functions ------------------------------------------------------------

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|sec|m|min|h|hr|d|w)", re.I)
_DURATION_NS = {"ns": 1, "us": 1000, "µs": 1000, "ms": 1_000_000, "s": NS, "sec": NS,
                "m": 60 * NS, "min": 60 * NS, "h": 3600 * NS, "hr": 3600 * NS,
                "d": 86400 * NS, "w": 7 * 86400 * NS}
_ISO_SPAN = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
                       r"(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d+))?S)?)?", re.I)


def parse_duration(text) -> Span:
    if text.__class__ is not str:
        raise TypeErr(f"time.parse_duration(): expected a Str, got {type_name(text)}")
    if not text.strip():
        raise ValueErr(f"Invalid duration: {text!r}")
    t = text.strip()
    m = _ISO_SPAN.fullmatch(t)
    if m and t.upper() not in ("P", "PT"):
        y, mo, w, d, h, mi, s, frac = m.groups()
        nanos = int((frac or "0").ljust(9, "0")[:9])
        return Span(int(y or 0), int(mo or 0), int(w or 0) * 7 + int(d or 0), int(h or 0),
                    int(mi or 0), int(s or 0), nanos)
    pos, total = 0, 0
    for match in _DURATION.finditer(t):
        if t[pos:match.start()].strip(" ,"):
            raise ValueErr(f"Invalid duration: {text!r}")
        total += int(float(match.group(1)) * _DURATION_NS[match.group(2).lower()])
        pos = match.end()
    if pos == 0 or t[pos:].strip():
        raise ValueErr(f"Invalid duration: {text!r}")
    return _span_from_ns(total)


def parse(text):
    """A Timestamp (``...Z``), a Zoned (an offset, optionally ``[Zone]``), a Date
    (``YYYY-MM-DD``) or a Time (``HH:MM:SS``)."""
    if text.__class__ is not str:
        raise TypeErr("time.parse() expects a Str")
    t = text.strip()
    m = re.fullmatch(r"(.+?)\[([^\]]+)\]", t)
    try:
        if m:
            d = dt.datetime.fromisoformat(m.group(1)).astimezone(_zone(m.group(2)))
            return Zoned(d)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", t):
            return Date(dt.date.fromisoformat(t))
        if re.fullmatch(r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?", t):
            return Time(dt.time.fromisoformat(t))
        if t.endswith(("Z", "z")):
            d = dt.datetime.fromisoformat(t[:-1] + "+00:00")
            return Timestamp(int(d.timestamp()) * NS + d.microsecond * 1000)
        d = dt.datetime.fromisoformat(t)
        if d.tzinfo is None:
            d = d.replace(tzinfo=dt.timezone.utc)
        return Zoned(d)
    except ValueError as e:
        raise ValueErr(f"Cannot parse date/time '{text}': {e}") from None


def _range(start, end) -> DateRange:
    if type(start) is not type(end):
        raise TypeErr("time.range() needs two values of the same kind")
    return DateRange(start, end)


def _from_iso_week(year, week, weekday=1) -> Date:
    return Date(civil(dt.date.fromisocalendar, "time.from_iso_week()", year, week, weekday))


def _sleep(seconds) -> None:
    if seconds < 0:
        raise ValueErr("sleep() needs a non-negative duration")
    pytime.sleep(seconds)


def make_module(interpreter) -> QModule:
    module = QModule("time", "Dates, times, time zones and durations.")
    local = lambda: dt.datetime.now().astimezone().tzinfo  # noqa: E731
    members = {
        "now": lambda: Timestamp(pytime.time_ns()),
        "now_local": lambda: Zoned.from_ns(pytime.time_ns(), local()),
        "today": lambda: Date(dt.date.today()),
        "time_now": lambda: Time(dt.datetime.now().time()),
        "date": lambda y, m, d: Date(civil(dt.date, "time.date()", y, m, d)),
        "time": lambda h, m, s, ns=0: Time(civil(dt.time, "time.time()", h, m, s,
                                                 count(ns, "time.time()") // 1000), ns % 1000),
        "datetime": lambda y, mo, d, h, mi, s, tz="UTC": Zoned(civil(
            dt.datetime, "time.datetime()", y, mo, d, h, mi, s, 0, _zone(tz))),
        "parse": parse,
        "from_timestamp": lambda s: Timestamp(int(amount(s, "time.from_timestamp()") * NS)),
        "from_timestamp_ms": lambda ms: Timestamp(
            int(amount(ms, "time.from_timestamp_ms()")) * 1_000_000),
        "from_timestamp_us": lambda us: Timestamp(
            int(amount(us, "time.from_timestamp_us()")) * 1000),
        "seconds": lambda n: _span_from_ns(int(amount(n, "time.seconds()") * NS)),
        "minutes": lambda n: _span_from_ns(int(amount(n, "time.minutes()") * 60 * NS)),
        "hours": lambda n: _span_from_ns(int(amount(n, "time.hours()") * 3600 * NS)),
        "days": lambda n: Span(days=count(n, "time.days()")),
        "parse_duration": parse_duration,
        "is_leap_year": calendar.isleap,
        "sleep": _sleep,
        "ticks_ms": lambda: int((pytime.perf_counter() - _START) * 1000),
        "range": _range,
        "from_iso_week": _from_iso_week,
    }
    module.__dict__.update(members)
    return module
