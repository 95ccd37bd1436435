"""The pytest plugin: Quest test files are collected by plain pytest, each
`it` an item with its own outcome and failure messages."""

pytest_plugins = ["pytester"]

CASES = '''use "std/test" {module, describe, it, assert_eq}
use "std/async"
module("arith")
describe("adding", fun ()
    it("works", fun () assert_eq(1 + 1, 2) end)
    it("is wrong", fun ()
        puts("some output")
        assert_eq(1 + 1, 3, "oops")
    end)
    it("raises", fun () raise ValueErr.new("bad") end)
    it("awaits", fun ()
        await async.sleep(0)
        assert_eq(await async.spawn(fun () 41 + 1 end), 43)
    end)
end)
'''


def test_each_it_is_an_item_with_its_outcome(pytester):
    pytester.makefile(".q", math_test=CASES)
    result = pytester.runpytest("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=1, failed=3)
    result.stdout.fnmatch_lines([
        "*math_test.q::arith > adding > works PASSED*",
        "*math_test.q::arith > adding > is wrong FAILED*",
        "*math_test.q::arith > adding > raises FAILED*",
        "*math_test.q::arith > adding > awaits FAILED*",
    ])
    result.stdout.fnmatch_lines([
        "\u2717 Expected 3 but got 2: oops", "  at */math_test.q:8", "captured output:",
        "  | some output"])
    result.stdout.fnmatch_lines(["*\u2717 Unexpected ValueErr: bad*"])
    result.stdout.fnmatch_lines(["*\u2717 Expected 43 but got 42*", "  at */math_test.q:13"])


def test_a_file_that_fails_to_load_is_a_collection_error(pytester):
    pytester.makefile(".q", test_broken='use "std/test"\nlet x = nope\n')
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*test_broken.q:2:9: NameErr: Undefined variable: nope*"])


def test_other_q_files_are_not_collected(pytester):
    pytester.makefile(".q", helper='puts("not a test")\n')
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes()
