"""Every program block of QEP-027 passes `trioquest check`."""

import sys
from pathlib import Path

import pytest

from trioquest.cli import main
from trioquest.errors import QuestSyntaxError
from trioquest.parser import parse

HERE = Path(__file__).parent / "qep027"
sys.path.insert(0, str(HERE))
PROGRAMS = sorted(HERE.glob("*.q"))
NOT_PROGRAMS = sorted((HERE / "not_programs").glob("*.q"))


def test_all_blocks_are_here():
    assert len(PROGRAMS) == 37 and len(NOT_PROGRAMS) == 5


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.stem)
def test_program_block_checks(path, capsys):
    assert main(["check", str(path)]) == 0
    assert capsys.readouterr() == ("", "")


def test_rejected_channel_receive_syntax_stays_an_error():
    path = HERE / "not_programs" / "39_4_csp_channels_only_no_async_await.q"
    err = pytest.raises(QuestSyntaxError, parse, path.read_text(), str(path)).value
    assert (err.line, err.col, err.reason) == (4, 14, "unexpected '<', expected an expression")


def test_copies_match_the_spec():
    import extract  # tests/qep027/extract.py

    if not extract.DEFAULT_SPEC.exists():
        pytest.skip(f"the QEP is not beside this checkout ({extract.DEFAULT_SPEC})")
    expected = extract.expected_files(extract.DEFAULT_SPEC.read_text(encoding="utf-8"))
    present = {str(p.relative_to(HERE)): p.read_text(encoding="utf-8")
               for p in [*PROGRAMS, *NOT_PROGRAMS]}
    assert present == expected, "run: python tests/qep027/extract.py"


def test_example_3_parameter_default_in_named_style():
    tree = parse((HERE / "15_example_3_timeout_and_retry_logic.q").read_text())
    fetch = tree.body[2]
    assert fetch.name == "fetch_with_retry" and fetch.is_async
    assert [(p.name, getattr(p.default, "value", None)) for p in fetch.params] == [
        ("url", None), ("max_attempts", 3)]
