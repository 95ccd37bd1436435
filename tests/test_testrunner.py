"""`trioquest test`: discovery, std/test output, the summary and exit status."""

import re

import pytest

from trioquest.cli import main

SAMPLE = '''use "std/test" {module, describe, it, assert_eq, assert_raises, skip}
module("Sample")
describe("math", fun ()
    it("adds", fun () assert_eq(1 + 1, 2) end)
    it("fails", fun () assert_eq(1 + 1, 3, "oops") puts("noise") end)
    it("raises", fun () assert_raises(IndexErr, fun () [1][5] end) end)
    it("boom", fun () let x = nil x.foo() end)
    skip("later", "not yet")
end)
'''


def _elapsed(text: str) -> str:
    return re.sub(r"Elapsed: \S+", "Elapsed: T", re.sub(r" \d+ms$", " Tms", text, flags=re.M))


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "test").mkdir()
    return tmp_path


def test_condensed_run(project, capsys):
    (project / "test" / "sample_test.q").write_text(SAMPLE)
    (project / "test" / "helper.q").write_text("puts(\"not a test\")")
    (project / "test" / ".hidden_test.q").write_text("puts(\"hidden\")")
    assert main(["test", "--no-color"]) == 1
    out = _elapsed(capsys.readouterr().out)
    path = "test/sample_test.q"
    assert out == (
        "Sample\n"
        "  math\n"
        "  \u2717 boom\n"
        "    Unexpected AttrErr: Unknown method 'foo' on Nil\n"
        f"      at <anonymous> ({path}:7)\n"
        "\u2717 [2/5] Sample\n"
        "    \u2717 math [2/5]\n"
        "      \u2717 fails: Expected 3 but got 2: oops\n"
        "      \u2717 boom: Unexpected AttrErr: Unknown method 'foo' on Nil\n"
        "\n"
        "Test Results: \u2717 Some tests failed\n"
        + "\u2501" * 60 + "\n"
        "Total:   5  |  Passed:  2  |  Failed:  2  |  Skipped: 1  |  Elapsed: T\n"
        "2 passed, 2 failed, 1 skipped\n")


def test_verbose_run_shows_each_test_and_captured_output(project, capsys):
    (project / "test" / "sample_test.q").write_text(SAMPLE)
    assert main(["test", "--no-color", "-v"]) == 1
    out = _elapsed(capsys.readouterr().out)
    assert out.startswith(
        "Sample\n"
        "  math\n"
        "    \u2713 adds Tms\n"
        "    \u2717 fails\n"
        "      \u2717 Expected 3 but got 2: oops\n"
        "      | noise\n"
        "    \u2713 raises Tms\n")
    assert "    - later skipped (not yet)\n" in out


def test_all_passing_exits_0(project, capsys):
    (project / "test" / "test_ok.q").write_text(
        'use "std/test" as t\nt.module("Ok")\nt.it("works", fun () t.assert(true) end)\n')
    assert main(["test", "--no-color"]) == 0
    out = _elapsed(capsys.readouterr().out)
    assert out == ("\u2713 [1/1] Ok\n\nTest Results: \u2713 All tests passed!\n"
                   + "\u2501" * 60 + "\nTotal:   1  |  Passed:  1  |  Elapsed: T\n"
                   "1 passed, 0 failed\n")


def test_condensed_run_lists_failures_of_its_outside_any_describe(project, capsys):
    (project / "test" / "top_test.q").write_text(
        'use "std/test" as t\nt.module("Top")\n'
        't.it("works", fun () t.assert(true) end)\n'
        't.it("breaks", fun () t.assert_eq(1, 2) end)\n')
    assert main(["test", "--no-color"]) == 1
    out = _elapsed(capsys.readouterr().out)
    assert out.startswith("\u2717 [1/2] Top\n"
                          "    \u2717 breaks: Expected 2 but got 1\n\n"
                          "Test Results: \u2717 Some tests failed\n")


def test_a_file_that_fails_to_load_stops_the_run(project, capsys):
    (project / "test" / "a_test.q").write_text('use "std/test" as t\nt.module("A")\nlet x = )\n')
    assert main(["test", "--no-color"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("\u2717 Failed to load module: test/a_test.q\n"
                          "test/a_test.q:3:9: SyntaxErr: unexpected ')', expected an expression\n")


def test_missing_path_is_a_usage_error(project, capsys):
    assert main(["test", "nope"]) == 2
    assert capsys.readouterr().err == "trioquest: no such test path: 'nope'\n"


COUNTING = '''use "std/test" as t
t.module("Counting")
t.assert_eq(1, 2)
t.it("two failed assertions count twice", fun ()
    t.assert_eq(1, 2)
    t.assert(false)
end)
t.it("passes", fun () t.assert(true) end)
t.tag("slow")
t.it("tagged", fun () t.assert(true) end)
t.skip("later")
'''


def test_counters(project, capsys):
    (project / "test" / "count_test.q").write_text(COUNTING)
    assert main(["test", "--no-color"]) == 1
    out = _elapsed(capsys.readouterr().out)
    # Failed counts assertions (3) and escaped errors; the summary counts test cases.
    assert "Total:   4  |  Passed:  2  |  Failed:  3  |  Skipped: 1  |  Elapsed: T\n" in out
    assert out.endswith("2 passed, 1 failed, 1 skipped\n")


def test_tag_filters(project, capsys):
    (project / "test" / "count_test.q").write_text(COUNTING)
    main(["test", "--no-color", "--tag", "slow"])
    out = capsys.readouterr().out
    assert out.endswith("1 passed, 0 failed, 1 skipped\n")
    main(["test", "--no-color", "--skip-tag", "slow"])
    assert capsys.readouterr().out.endswith("1 passed, 1 failed, 1 skipped\n")


def test_capture_off_shows_output_live(project, capsys):
    (project / "test" / "out_test.q").write_text(
        'use "std/test" as t\nt.it("talks", fun () puts("visible") end)\n')
    assert main(["test", "--no-color", "--cap=no"]) == 0
    assert "visible\n" in capsys.readouterr().out
