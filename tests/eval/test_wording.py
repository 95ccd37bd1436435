"""Errors a Quest user causes are worded in Quest terms: arity as the user
counts arguments, Quest type names, an Awaitable used as a value called an
unawaited async call (tests/test_method_fuzz.py checks every method; these
are the exact messages, with their places)."""

import pytest

from quest_runner import run


def headline(source: str) -> str:
    out, err, status = run(source)
    assert status == 1, (out, err)
    return err.splitlines()[0]


@pytest.mark.parametrize("use, expected", [
    ("f().len()", "-c:2:1: AttrErr: Unknown method 'len' on Awaitable: f() is an unawaited "
                  "async call; did you forget `await`?"),
    ("puts(f() + 1)", "-c:2:6: TypeErr: Unsupported operand types for '+': Awaitable and Int: "
                      "f() is an unawaited async call; did you forget `await`?"),
    ("puts(f()[0])", "-c:2:6: TypeErr: Cannot index a value of type Awaitable: f() is an "
                     "unawaited async call; did you forget `await`?"),
    ("for x in f() end", "-c:2:1: TypeErr: Cannot iterate over a value of type Awaitable: f() "
                         "is an unawaited async call; did you forget `await`?"),
    ('"ab".repeat(f())', "-c:2:1: TypeErr: Str.repeat(): the count must be an Int, got "
                         "Awaitable: f() is an unawaited async call; did you forget `await`?"),
    ("f()()", "-c:2:1: TypeErr: Cannot call a value of type Awaitable: the value is an "
              "unawaited async call; did you forget `await`?"),
])
def test_an_awaitable_used_as_a_value_is_called_an_unawaited_async_call(use, expected):
    assert headline(f"async fun f() [1, 2] end\n{use}\n") == expected


def test_an_awaitable_is_a_quest_value():
    out, err, status = run('use "std/async"\nasync fun f() 1 end\nlet c = f()\n'
                           'puts(c.cls(), " ", c, " ", async.sleep(0), " ", c.is("Awaitable"))\n'
                           'puts(await c)\n')
    assert (out, status) == ("Awaitable <Awaitable f()> <Awaitable async.sleep()> true\n1\n", 0)


@pytest.mark.parametrize("source, expected", [
    ("fun g(a) a end\ng(1, 2)", "-c:2:1: ArgErr: g() expects 1 argument, got 2"),
    ("fun g(a, b = 1) a end\ng(1, 2, 3)", "-c:2:1: ArgErr: g() expects 1 to 2 arguments, got 3"),
    ("fun g(a, b) a end\ng()", "-c:2:1: ArgErr: g() is missing the arguments 'a', 'b'"),
    ("fun g(a) a end\ng(b: 1)", "-c:2:1: ArgErr: g() has no parameter named 'b'"),
    ("fun g(a) a end\ng(1, a: 2)",
     "-c:2:1: ArgErr: g() got the argument 'a' twice (by position and by name)"),
    ("let h = fun (a) a end\nh()", "-c:2:1: ArgErr: The anonymous function is missing the "
                                   "argument 'a'"),
    ("type P\n  fun m(k) k end\nend\nP.new().m()", "-c:4:1: ArgErr: P.m() is missing the "
                                                  "argument 'k'"),
    ("type P\n  fun m(k) k end\nend\nP.new().m(1, 2)",
     "-c:4:1: ArgErr: P.m() expects 1 argument, got 2"),
    ("type P\n  x: Int\nend\nP.new(1, 2)", "-c:4:1: ArgErr: P.new() expects at most 1 "
                                           "argument, got 2"),
    ('ValueErr.new()', "-c:1:1: ArgErr: ValueErr.new() expects 1 argument (the message), got 0"),
])
def test_arity_is_counted_as_the_user_wrote_the_call(source, expected):
    assert headline(source + "\n") == expected


@pytest.mark.parametrize("source, expected", [
    ('"abc".upper(1)', "ArgErr: Str.upper() expects no arguments, got 1"),
    ('let s = "abc"\ns.upper(1)', "ArgErr: Str.upper() expects no arguments, got 1"),
    ('"abc".repeat(1, 2)', "ArgErr: Str.repeat() expects 1 argument, got 2"),
    ("[1].push()", "ArgErr: Array.push() is missing the argument 'x'"),
    ('"abc".trim(5)', "TypeErr: Str.trim(): expected nil or a Str"),
    ('fun r(s) s.replace(nil, "x") end\nr("abc")',
     "TypeErr: Str.replace(): argument 1 must be a Str, got Nil"),
    ('"abc".replace(nil, "x")', "TypeErr: replace(): argument 1 must be a Str, got Nil"),
    ('"abc".contains(1)', "TypeErr: Str.contains(): expected a Str, got Int"),
    ("[1, 2].join(5)", "TypeErr: Array.join(): the separator must be a Str, got Int"),
    ('b"ab".get("x")', "TypeErr: Bytes.get(): the index must be an Int, got Str"),
    ("1.5.floor(2)", "ArgErr: Float.floor() expects no arguments, got 1"),
    ("(0.0 - 1e308 * 10).floor()", "ValueErr: Float.floor(): -inf has no Int value"),
    ("{}.set(1)", "ArgErr: Dict.set() is missing the argument 'v'"),
    ("ValueErr.with_traceback(1)", "AttrErr: ValueErr has no member 'with_traceback'"),
    ("BigInt.new(1.5)", "TypeErr: BigInt.new() expects an Int or a Str of digits, got Float"),
    ("5.pow(2 ** 70)", "RuntimeErr: Integer overflow in '**': the result would be longer than "
                       "16777216 bits"),
    ("puts(1.5 + 10 ** 400)", "RuntimeErr: Float overflow in '+': the Int is too large for "
                              "a Float"),
    ('puts("ab" * 2 ** 70)', "RuntimeErr: Cannot repeat a Str 1180591620717411303424 times: "
                             "the result is too large"),
    ('"ab".repeat(2 ** 70)', "ValueErr: Str.repeat(): the result would be too long "
                             "(1180591620717411303424 times)"),
    ("Array.new(2 ** 40)", "ValueErr: Array.new(): 1099511627776 elements are too many"),
    ("Array.new(1, 2, 3)", "ArgErr: Array.new() expects at most 2 arguments, got 3"),
    ("Decimal.new()", "ArgErr: Decimal.new() is missing the argument 'value'"),
    ("[1].insert(true, 2)", "TypeErr: Array.insert(): the index must be an Int, got Bool"),
    ('puts([1] * 2 ** 70)', "RuntimeErr: Cannot repeat an Array 1180591620717411303424 times: "
                            "the result is too large"),
    ('puts(Decimal.new("1.5") + 2n)', "TypeErr: Unsupported operand types for '+': Decimal and "
                                      "BigInt"),
])
def test_builtin_methods_use_quest_names_and_types(source, expected):
    line = headline(source + "\n")
    assert line.split(": ", 1)[1] == expected, line


@pytest.mark.parametrize("source, expected", [
    ('use "std/math"\nmath.sqrt("x")', "TypeErr: math.sqrt(): the argument must be a number, "
                                       "got Str"),
    ('use "std/math"\nmath.sqrt(-1)', "ValueErr: math.sqrt(): -1 is outside its domain"),
    ('use "std/math"\nmath.exp(1000)', "RuntimeErr: math.exp(): the result is too large for a "
                                       "Float"),
    ('use "std/math"\nmath.sqrt()', "ArgErr: math.sqrt() is missing the argument 'x'"),
    ('use "std/time"\ntime.now(1)', "ArgErr: time.now() expects no arguments, got 1"),
    ('use "std/time"\ntime.seconds("x")', "TypeErr: time.seconds(): the amount must be a "
                                          "number, got Str"),
    ('use "std/time"\ntime.date(2024, 1, 1).add_days(nil)',
     "TypeErr: Date.add_days(): the count must be an Int, got Nil"),
    ('use "std/time"\ntime.date(9999, 12, 31).add_days(1)',
     "ValueErr: Date.add_days(): the date would be out of range (years 1 to 9999)"),
    ('use "std/time"\ntime.date(10 ** 30, 1, 1)',
     "ValueErr: time.date(): a part of the date or time is out of range"),
    ('use "std/time"\ntime.seconds(1).add(5)',
     "TypeErr: Span.add(): the argument must be a Span, got Int"),
    ('use "std/time"\ntime.date(2024, 1, 1).before("2024")', "TypeErr: Expected a Date, got Str"),
    ('use "std/io"\nio.StringIO("a", 2)', "ArgErr: StringIO() expects at most 1 argument, got 2"),
    ('use "std/io"\nio.StringIO("a").seek(0, "x")',
     "TypeErr: StringIO.seek(): whence must be an Int, got Str"),
    ('use "std/async"\nasync.Lock().release()',
     "RuntimeErr: Lock.release(): this task does not hold the lock"),
    ('use "std/async"\nasync.CapacityLimiter(1).release()',
     "RuntimeErr: CapacityLimiter.release(): this task holds none of its tokens"),
    ('use "std/async"\nasync.channel(1.5)', "ValueErr: Channel capacity must be an Int >= 0, "
                                            "got Float"),
])
def test_std_functions_use_quest_names_and_types(source, expected):
    line = headline(source + "\n")
    assert line.split(": ", 1)[1] == expected, line


def test_ints_print_whatever_their_size():
    out, err, status = run('let x = 10 ** 5000\nputs(x.str().len(), " ", '
                           '"7".repeat(5000).to_int() % 10)\n')
    assert (out, err, status) == ("5001 7\n", "", 0)


def test_nan_decimals_compare_like_nan_floats():
    out, err, status = run('let n = Decimal.new("NaN")\nputs(n < 1, " ", n > 1, " ", '
                           '[3, n, 1].sorted().len())\n')
    assert (out, err, status) == ("false false 3\n", "", 0)


@pytest.mark.parametrize("source, expected", [
    ("type P\n  x: Int\nend\nputs(P.x)", "-c:4:6: AttrErr: type P has no member 'x'"),
    ('let b = b"ab"\nputs(b[1e308 * 10])', "-c:2:6: IndexErr: Index out of bounds: inf (length 2)"),
    ("for i in 0 to 1e308 * 10 end", "-c:1:1: ValueErr: Range end must be finite, got inf"),
    ('let x = 1e308 * 10\nputs(f"{x:x}")', "-c:2:6: ValueErr: Format 'x' needs a finite number, "
                                             "got inf"),
    ('use "std/math"\nputs(f"{math:x}")', "-c:2:6: ValueErr: Format 'x' needs a number, got "
                                           "Module"),
])
def test_operators_and_helpers_use_quest_words(source, expected):
    assert headline(source + "\n") == expected


def test_ints_format_exactly_whatever_their_size():
    out, err, status = run('let x = 10 ** 30\nlet y = 10 ** 400\n'
                           'puts(f"{x:.2f} {x:e} {5:.2f} {7:.1%} {y:.1e} {-3:08.2f}")\n')
    assert (out, err, status) == ("1000000000000000000000000000000.00 1.000000e+30 5.00 700.0% "
                                  "1.0e+400 -0003.00\n", "", 0)


def test_a_bigint_is_a_number_for_decimal_methods():
    out, err, status = run('puts(Decimal.new("1.5").pow(2n), " ", Decimal.new(3n))\n')
    assert (out, err, status) == ("2.25 3\n", "", 0)
