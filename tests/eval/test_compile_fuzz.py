"""Every program that parses also compiles: random and mutated programs never
make the compiler fail with anything but a Quest syntax error."""

from hypothesis import HealthCheck, given, settings

from trioquest.errors import QuestSyntaxError
from trioquest.eval.interpreter import Interpreter
from trioquest.source import Source
from test_fuzz import mutated

_interp = Interpreter()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_programs_compile(text):
    try:
        compiled = _interp.compile(Source(text, "fuzz.q"))
    except QuestSyntaxError:
        return
    assert compiled.code is not None
