"""std/time: dates, times, zones, spans, ranges (no real clock, no real sleep)."""

from quest_runner import output, run


def test_dates():
    assert output('''
        use "std/time"
        let d = time.date(2024, 2, 29)
        puts(d, " ", d._rep(), " ", d.cls(), " ", d.day_of_week(), " ", d.day_of_year())
        puts(d.add_days(1), " ", d.add_months(12), " ", d.add_years(1), " ", d.week_number(),
             " ", d.iso_year(), " ", d.quarter(), " ", d.year(), d.month(), d.day())
        let e = time.date(2024, 3, 1)
        puts(e.since(d).days(), " ", d.before(e), " ", d.after(e), " ", d.equals(time.date(2024, 2, 29)),
             " ", d == time.date(2024, 2, 29), " ", d.at_time(9, 5, 0, "UTC"), " ", d.format("%d.%m.%Y"))
        puts(time.is_leap_year(2024), " ", time.is_leap_year(1900), " ", time.from_iso_week(2024, 1, 1))
    ''') == (
        "2024-02-29 Date(2024-02-29) Date 4 60\n"
        "2024-03-01 2025-02-28 2025-02-28 9 2024 1 2024229\n"
        "1 true false true true 2024-02-29T09:05:00+00:00[UTC] 29.02.2024\n"
        "true false 2024-01-01\n")


def test_zoned_date_times():
    assert output('''
        use "std/time"
        let z = time.datetime(2024, 1, 15, 10, 30, 0, "America/New_York")
        puts(z, " ", z.to_utc(), " ", z.timezone(), " ", z.quarter())
        puts(z.year(), "-", z.month(), "-", z.day(), " ", z.hour(), ":", z.minute(), ":", z.second(),
             " ", z.day_of_week(), " ", z.day_of_year(), " ", z.millisecond(), " ", z.to_rfc3339())
        puts(z.add_hours(20), " ", z.subtract_minutes(45), " ", z.add_months(1), " ", z.add_years(1))
        puts(z.add(time.days(1)), " ", z.to_timezone("Asia/Tokyo"), " ", z.format("%H:%M %Z"))
        puts(z.start_of_day(), " ", z.end_of_month(), " ", z.start_of_quarter())
        puts(z.round_to_hour(), " ", z.add_seconds(29).round_to_minute(), " ", z.since(z.subtract_days(2)))
        puts(z.before(z.add_seconds(1)), z.after(z), z.equals(z.to_utc()))
    ''') == (
        "2024-01-15T10:30:00-05:00[America/New_York] 2024-01-15T15:30:00+00:00[UTC] "
        "America/New_York 1\n"
        "2024-1-15 10:30:0 1 15 0 2024-01-15T10:30:00-05:00\n"
        "2024-01-16T06:30:00-05:00[America/New_York] 2024-01-15T09:45:00-05:00[America/New_York] "
        "2024-02-15T10:30:00-05:00[America/New_York] 2025-01-15T10:30:00-05:00[America/New_York]\n"
        "2024-01-16T10:30:00-05:00[America/New_York] 2024-01-16T00:30:00+09:00[Asia/Tokyo] "
        "10:30 EST\n"
        "2024-01-15T00:00:00-05:00[America/New_York] "
        "2024-01-31T23:59:59.999999999-05:00[America/New_York] "
        "2024-01-01T00:00:00-05:00[America/New_York]\n"
        "2024-01-15T11:00:00-05:00[America/New_York] 2024-01-15T10:30:00-05:00[America/New_York] "
        "PT48H\n"
        "truefalsetrue\n")


def test_timestamps():
    assert output('''
        use "std/time"
        let t = time.from_timestamp(1700000000)
        puts(t, " ", t._rep(), " ", t.as_seconds(), " ", t.as_millis(), " ", t.as_micros())
        puts(t.to_zoned("Europe/Paris"), " ", time.from_timestamp_ms(1500), " ",
             time.from_timestamp_us(1), " ", t.since(time.from_timestamp(1699999000)),
             " ", t.format("%Y"))
    ''') == (
        "2023-11-14T22:13:20Z Timestamp(2023-11-14T22:13:20Z) 1700000000 1700000000000 "
        "1700000000000000\n"
        "2023-11-14T23:13:20+01:00[Europe/Paris] 1970-01-01T00:00:01.5Z "
        "1970-01-01T00:00:00.000001Z PT16M40S 2023\n")


def test_spans_and_durations():
    assert output('''
        use "std/time"
        let s = time.hours(1).add(time.minutes(30))
        puts(s, " ", s._rep(), " ", s.humanize(), " ", s.as_minutes(), " ", s.as_hours(),
             " ", s.as_seconds(), " ", s.as_millis(), " ", s.hours(), " ", s.minutes())
        puts(time.seconds(90), " ", time.days(2), " ", time.days(2).humanize(), " ",
             s.multiply(2), " ", s.divide(3), " ", s.subtract(time.minutes(31)))
        puts(time.parse_duration("2h 15m"), " ", time.parse_duration("P1DT2H"), " ",
             time.parse_duration("1.5s"), " ", time.seconds(0), " ", time.seconds(0).humanize())
    ''') == (
        "PT1H30M Span(PT1H30M) 1 hour, 30 minutes 90 1.5 5400 5400000 1 30\n"
        "PT1M30S P2D 2 days PT2H60M PT30M PT1H-1M\n"
        "PT2H15M P1DT2H PT1.5S PT0S 0 seconds\n")


def test_parse_times_and_ranges():
    assert output('''
        use "std/time"
        puts(time.parse("2024-03-01").cls(), " ", time.parse("2024-03-01T12:00:00Z").cls(), " ",
             time.parse("12:30:05"), " ", time.parse("2024-03-01T12:00:00+02:00[Europe/Berlin]"))
        puts(time.time(10, 30, 5, 500000000), " ", time.time(1, 2, 3).hour())
        let r = time.range(time.date(2024, 1, 1), time.date(2024, 1, 31))
        puts(r, " ", r.contains(time.date(2024, 1, 15)), " ", r.contains(time.date(2024, 2, 1)), " ",
             r.duration(), " ", r.start(), " ", r.overlaps(time.range(time.date(2024, 1, 31),
                                                                       time.date(2024, 3, 1))))
    ''') == (
        "Date Timestamp 12:30:05 2024-03-01T11:00:00+01:00[Europe/Berlin]\n"
        "10:30:05.5 1\n"
        "2024-01-01..2024-01-31 true false P30D 2024-01-01 true\n")


def test_errors():
    for source, message in [
        ("time.date(2023, 2, 29)", "ValueErr: time.date(): day is out of range for month"),
        ('time.datetime(2024, 1, 1, 0, 0, 0, "Mars/Base")', "ValueErr: Unknown time zone 'Mars/Base'"),
        ('time.parse("yesterday")', "ValueErr: Cannot parse date/time 'yesterday'"),
        ('time.parse_duration("soon")', "ValueErr: Invalid duration: 'soon'"),
        ("time.months(1)", "AttrErr: Module time has no public member 'months'"),
        ('time.parse_duration("P1M").as_hours()', "ValueErr: A span with years or months"),
    ]:
        out, err, status = run(f'use "std/time"\n{source}\n')
        assert status == 1 and message in err, (source, err)


def test_sleep_and_clock(monkeypatch):
    import trioquest.stdlib.time_ as time_mod

    slept = []
    monkeypatch.setattr(time_mod.pytime, "sleep", slept.append)
    out = output('use "std/time"\ntime.sleep(0.25)\nputs(time.ticks_ms() >= 0, " ", '
                 'time.now().cls(), " ", time.now_local().cls(), " ", time.today().cls(), " ", '
                 'time.time_now().cls())')
    assert out == "true Timestamp Zoned Date Time\n" and slept == [0.25]
