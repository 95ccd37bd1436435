"""Every program that parses also compiles: random and mutated programs never
make the compiler fail with anything but a Quest syntax error, at any nesting
depth or expression size; programs built to compute a known value print it."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quest_runner import run
from trioquest.errors import QuestSyntaxError
from trioquest.eval.interpreter import Interpreter
from trioquest.source import Source
from test_fuzz import mutated

_interp = Interpreter()
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def compiles_or_says_why(text):
    try:
        compiled = _interp.compile(Source(text, "fuzz.q"))
    except QuestSyntaxError as err:
        assert err.reason and err.line >= 1 and err.col >= 1
        return None
    assert compiled.code is not None
    return compiled


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_programs_compile(text):
    compiles_or_says_why(text)


# -- random nesting: expression wrappers and block wrappers around a core ---------

EXPRESSION_WRAPPERS = [
    "({})", "[{}]", "[{}].len()", "-({})", "not ({})", "f({})", "({}) + x", "x .. ({})",
    "({}) and x", "x or ({})", "({}) ?: x", "[{}][0]", "{{k: {}}}", 'f"{{{}}}"',
    "fun () {} end", "({}).str()", "x[{}]", "({}) == x", "g(a: {})",
]
BLOCK_WRAPPERS = [
    "if x\n{}\nend", "while false\n{}\nend", "for i in [1]\n{}\nend", "try\n{}\ncatch e\nend",
    "try\n{}\nensure\nputs(1)\nend", "try\nputs(1)\nensure\n{}\nend",
    "try\nraise ValueErr.new(\"v\")\ncatch e\n{}\nend", "fun h()\n{}\nend", "match x\nin 1\n{}\nend",
    "with y\n{}\nend",
]
OPERATORS = ["+", "-", "*", "..", "and", "or", "?:", "==", "<", "&", "**"]


def nested(wrappers, core):
    text = core
    for w in wrappers:
        text = w.format(text)
    return text


def wrappers(choices, most):
    """A random list of up to `most` wrappers: sizes spread over the whole
    range (a plain list strategy stays short)."""
    return st.tuples(st.integers(0, most), st.randoms(use_true_random=False)).map(
        lambda t: [t[1].choice(choices) for _ in range(t[0])])


chain = st.tuples(st.integers(1, 3000), st.sampled_from(OPERATORS)).map(
    lambda t: f" {t[1]} ".join(["x"] * t[0]))
expression = st.tuples(wrappers(EXPRESSION_WRAPPERS, 600), chain).map(
    lambda t: nested(t[0], t[1]))
program = st.tuples(wrappers(BLOCK_WRAPPERS, 120), expression).map(
    lambda t: "let x = 1\nlet y = nil\nfun f(v) v end\nfun g(a: 0) a end\n"
              + nested(t[0], f"let z = {t[1]}"))


@SLOW
@given(program)
def test_random_nesting_never_fails_inside_the_compiler(text):
    compiles_or_says_why(text)


@SLOW
@given(wrappers(EXPRESSION_WRAPPERS, 3000), wrappers(BLOCK_WRAPPERS, 400))
def test_very_deep_nesting_is_compiled_or_a_located_error(expressions, blocks):
    compiles_or_says_why(nested(expressions, "x"))
    compiles_or_says_why(nested(blocks, "puts(x)"))


# -- programs that compute what Python computes ----------------------------------------

RUNNING_BLOCKS = ["if true\n{}\nend", "for i in [1]\n{}\nend", "try\n{}\ncatch e\nend",
                  "try\n{}\nensure\nlog.push(1)\nend", "try\nlog.push(2)\nensure\n{}\nend",
                  "let w = 0\nwhile w < 1\nw += 1\n{}\nend"]


@st.composite
def arithmetic(draw):
    """(Quest text, value) of a random sum/difference of 1 to 2,500 small
    Ints (of unknown type to the compiler when read from `x`), inside up to
    400 brackets."""
    rnd = draw(st.randoms(use_true_random=False))
    count, depth = draw(st.integers(1, 2500)), draw(st.integers(0, 400))
    text, value = "", 0
    for k in range(count):
        term = rnd.randint(-9, 9)
        sign = "+" if k == 0 or rnd.random() < 0.5 else "-"
        operand = rnd.choice([f"({term})", f"(x * {term})"])
        text += operand if k == 0 else f" {sign} {operand}"
        value = value + term if sign == "+" else value - term
    return "(" * depth + text + ")" * depth, value


@SLOW
@given(arithmetic(), wrappers(RUNNING_BLOCKS, 60))
def test_deep_programs_compute_what_python_computes(expr, blocks):
    text, value = expr
    source = "let x = [1][0]\nlet log = []\nlet result = nil\n" \
        + nested(blocks, f"result = {text}") \
        + "\nputs(result)\n"
    out, err, status = run(source, dedent=False)
    assert (out, err, status) == (f"{value}\n", "", 0)
