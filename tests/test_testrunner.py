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
        f"          at {path}:5\n"
        "      \u2717 boom: Unexpected AttrErr: Unknown method 'foo' on Nil\n"
        f"          at {path}:7\n"
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
        "          at test/sample_test.q:5\n"
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
                          "    \u2717 breaks: Expected 2 but got 1\n"
                          "        at test/top_test.q:4\n\n"
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
    assert out.endswith("2 passed, 1 failed, 1 skipped, 1 assertion failed outside any test\n")


def test_tag_filters(project, capsys):
    (project / "test" / "count_test.q").write_text(COUNTING)
    main(["test", "--no-color", "--tag", "slow"])
    out = capsys.readouterr().out
    assert out.endswith("1 passed, 0 failed, 1 skipped, 1 assertion failed outside any test\n")
    main(["test", "--no-color", "--skip-tag", "slow"])
    assert capsys.readouterr().out.endswith(
        "1 passed, 1 failed, 1 skipped, 1 assertion failed outside any test\n")


def test_capture_off_shows_output_live(project, capsys):
    (project / "test" / "out_test.q").write_text(
        'use "std/test" as t\nt.it("talks", fun () puts("visible") end)\n')
    assert main(["test", "--no-color", "--cap=no"]) == 0
    assert "visible\n" in capsys.readouterr().out


# -- every failure: the test's name, the message, file:line (issue #11 item 3) -------------------

NO_MODULE = '''use "std/test" as t
use "std/async"
fun check_small(n)
    t.assert_lt(n, 10, "too big")
end
t.it("works", fun () t.assert(true) end)
t.it("breaks", fun ()
    t.assert_eq(1, 2)
end)
t.it("breaks in a helper", fun () check_small(12) end)
t.it("breaks after an await", fun ()
    await async.sleep(0)
    t.assert_nil(3)
end)
t.describe("group", fun ()
    t.it("inner", fun () t.assert(false, "nope") end)
end)
t.assert_eq(3, 4)
'''


def test_condensed_failures_without_test_module_name_the_file(project, capsys):
    (project / "test" / "plain_test.q").write_text(NO_MODULE)
    assert main(["test", "--no-color"]) == 1
    out = _elapsed(capsys.readouterr().out)
    path = "test/plain_test.q"
    assert out == (
        f"\u2717 [1/5] {path}\n"
        "    \u2717 breaks: Expected 2 but got 1\n"
        f"        at {path}:8\n"
        "    \u2717 breaks in a helper: Expected 12 < 10: too big\n"
        f"        at {path}:4\n"
        "    \u2717 breaks after an await: Expected nil but got 3\n"
        f"        at {path}:13\n"
        "    \u2717 Expected 4 but got 3\n"
        f"        at {path}:18\n"
        "    \u2717 group [0/1]\n"
        "      \u2717 inner: nope\n"
        f"          at {path}:16\n"
        "\n"
        "Test Results: \u2717 Some tests failed\n"
        + "\u2501" * 60 + "\n"
        "Total:   5  |  Passed:  1  |  Failed:  5  |  Elapsed: T\n"
        "1 passed, 4 failed, 1 assertion failed outside any test\n")


def test_verbose_failures_without_test_module(project, capsys):
    (project / "test" / "plain_test.q").write_text(NO_MODULE)
    assert main(["test", "--no-color", "-v"]) == 1
    out = _elapsed(capsys.readouterr().out)
    path = "test/plain_test.q"
    assert out.startswith(
        f"{path}\n"
        "    \u2713 works Tms\n"
        "    \u2717 breaks\n"
        "      \u2717 Expected 2 but got 1\n"
        f"          at {path}:8\n"
        "    \u2717 breaks in a helper\n"
        "      \u2717 Expected 12 < 10: too big\n"
        f"          at {path}:4\n"
        "    \u2717 breaks after an await\n"
        "      \u2717 Expected nil but got 3\n"
        f"          at {path}:13\n"
        "  group\n"
        "    \u2717 inner\n"
        "      \u2717 nope\n"
        f"          at {path}:16\n"
        "  \u2717 Expected 4 but got 3\n"
        f"      at {path}:18\n"
        "\n"
        "Test Results: \u2717 Some tests failed\n")


def test_an_unexpected_error_without_test_module(project, capsys):
    (project / "test" / "boom_test.q").write_text(
        'use "std/test" as t\n\nt.it("boom", fun ()\n    raise ValueErr.new("bad")\nend)\n')
    assert main(["test", "--no-color"]) == 1
    out = capsys.readouterr().out
    path = "test/boom_test.q"
    assert out.startswith(
        f"{path}\n"
        "  \u2717 boom\n"
        "    Unexpected ValueErr: bad\n"
        f"      at <anonymous> ({path}:4)\n"
        f"\u2717 [0/1] {path}\n"
        "    \u2717 boom: Unexpected ValueErr: bad\n"
        f"        at {path}:4\n\n")


def test_each_file_without_test_module_is_its_own_module(project, capsys):
    (project / "test" / "a_test.q").write_text(
        'use "std/test" as t\nt.module("A")\nt.it("a", fun () t.assert(true) end)\n')
    (project / "test" / "b_test.q").write_text(
        'use "std/test" as t\nt.it("b", fun () t.assert(false) end)\n')
    assert main(["test", "--no-color"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("\u2713 [1/1] A\n"
                          "\u2717 [0/1] test/b_test.q\n"
                          "    \u2717 b: Assertion failed\n"
                          "        at test/b_test.q:2\n\n")


@pytest.mark.parametrize("files, argv, message", [
    ({}, ["test"], "no tests found in 'test': no test files (test_*.q, *_test.q)"),
    ({"helper.q": 'puts("not a test")\n'}, ["test", "test"],
     "no tests found in 'test': no test files (test_*.q, *_test.q)"),
    ({"empty_test.q": 'use "std/test" as t\nt.module("Empty")\n'}, ["test"],
     "no tests found in 'test': 1 test file, no it() ran"),
    ({"a_test.q": "", "b_test.q": "1\n"}, ["test", "test/a_test.q", "test/b_test.q"],
     "no tests found in 'test/a_test.q', 'test/b_test.q': 2 test files, no it() ran"),
])
def test_no_tests_found_is_exit_status_5(project, capsys, files, argv, message):
    for name, text in files.items():
        (project / "test" / name).write_text(text)
    assert main([*argv, "--no-color"]) == 5
    assert capsys.readouterr() == (message + "\n", "")


def test_only_skipped_tests_are_found_tests(project, capsys):
    (project / "test" / "later_test.q").write_text('use "std/test" as t\nt.skip("later")\n')
    assert main(["test", "--no-color"]) == 0
    assert capsys.readouterr().out.endswith("0 passed, 0 failed, 1 skipped\n")


def test_a_tag_filter_that_leaves_nothing_finds_no_tests(project, capsys):
    (project / "test" / "t_test.q").write_text(
        'use "std/test" as t\nt.it("x", fun () t.assert(true) end)\n')
    assert main(["test", "--no-color", "--tag", "nope"]) == 5
    assert capsys.readouterr().out == "no tests found in 'test': 1 test file, no it() ran\n"
