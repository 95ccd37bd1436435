# §1 Program model
use "std/test" {module, describe, it, assert_eq, assert, assert_raises}
use "std/sys"

module("§1 Program model")

describe("statements and newlines", fun ()
    it("several statements on one line, no separator", fun ()
        let a = 1 let b = 2 let c = a + b
        assert_eq(c, 3)
    end)
    it("an expression continues across a line break when it can", fun ()
        fun foo(x) x * 2 end
        let bar = 4
        let called = foo
        (bar)
        assert_eq(called, 8)
        let a = 10
        let x = a
        -1
        assert_eq(x, 9)
        let items = [5, 6]
        let first = items
        [0]
        assert_eq(first, 5)
        let s = "  Hi  "
            .trim()
            .upper()
        assert_eq(s, "HI")
    end)
    it("semicolons are not separators", fun ()
        assert_raises(SyntaxErr, fun () sys.eval("let a = 1; let b = 2") end)
    end)
    it("every statement yields a value: a block's value is its last statement's", fun ()
        assert_eq(sys.eval("1 2 3"), 3)
        assert_eq(sys.eval("let x = 5"), nil)
        assert_eq(sys.eval("if true \"t\" else \"f\" end"), "t")
    end)
    it("top-level return ends the evaluated code silently, with nil", fun ()
        assert_eq(sys.eval("let a = 1 return a puts(\"unreached\")"), nil)
    end)
end)
