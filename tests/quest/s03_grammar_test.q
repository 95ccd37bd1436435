# §3 Grammar: statement and expression forms
use "std/test" {module, describe, it, assert_eq, assert, assert_raises}
use "std/sys"

module("§3 Grammar")

describe("statement forms (§3.1)", fun ()
    it("use with alias and selective imports, trailing comma allowed", fun ()
        assert_eq(sys.eval("use \"std/math\" {pi, tau as t,} t / pi"), 2)
    end)
    it("let with types and several bindings; const exactly one", fun ()
        let a: Int = 1, b: Str = "s"
        assert_eq([a, b], [1, "s"])
        assert_raises(SyntaxErr, fun () sys.eval("const A = 1, B = 2") end)
    end)
    it("assignment targets: names, index chains, field chains; compound forms", fun ()
        let d = {a: [1, {b: 2}]}
        d["a"][1]["b"] += 5
        assert_eq(d["a"][1]["b"], 7)
        assert_raises(SyntaxErr, fun () sys.eval("f() = 1") end)
    end)
    it("parameterless fun without parentheses", fun ()
        fun greet "hello" end
        assert_eq(greet(), "hello")
    end)
    it("one-line if, elif chains", fun ()
        fun f(x) if x == 1 "a" elif x == 2 "b" else "c" end end
        assert_eq([f(1), f(2), f(3)], ["a", "b", "c"])
    end)
    it("doc declarations are no-ops", fun ()
        % fun add(a, b) "Adds two numbers."
        % const LIMIT "A limit."
        % type Thing "A thing."
        % trait Show "Shows."
        assert(true)
    end)
    it("return takes a value only from the same line (Rec)", fun ()
        fun f()
            return
            42
        end
        assert_eq(f(), nil)
        fun g() return 42 end
        assert_eq(g(), 42)
    end)
    it("typed variable declaration statements parse but are not implemented", fun ()
        assert_raises(RuntimeErr, fun () sys.eval("x: Int = 5") end)
    end)
    it("reserved forms: 2-D arrays and multi-index fail when run", fun ()
        assert_raises(RuntimeErr, fun () sys.eval("[1, 2; 3, 4]") end)
        assert_raises(RuntimeErr, fun () sys.eval("let a = [[1]] a[0, 0]") end)
    end)
    it("a try needs a catch or an ensure", fun ()
        assert_raises(SyntaxErr, fun () sys.eval("try 1 end") end)
    end)
    it("match arms need at least one statement", fun ()
        assert_raises(SyntaxErr, fun () sys.eval("match 1 in 1 end") end)
    end)
end)

describe("precedence (§3.2)", fun ()
    it("the documented pitfalls", fun ()
        let x = 4
        assert_eq(x & 1 == 0, 0)
        assert_eq(not 1 == 2, true)
        let n = 1
        assert_eq("n=" .. n + 1, "n=2")
        assert_eq("a" .. "b" == "ab", true)
    end)
    it("the table from lowest to highest", fun ()
        assert_eq(nil ?: 1 or 2, 1)
        assert_eq(false or true and false, false)
        assert_eq(1 | 2 ^ 3 & 4, 3)
        assert_eq(1 << 2 == 4, 1)
        assert_eq(1 + 2 * 3, 7)
        assert_eq("x" .. 1 + 2, "x3")
        assert_eq(-2 * 3, -6)
        assert_eq(10 - 2 - 3, 5)
        assert_eq(100 / 10 / 5, 2)
    end)
    it("unary operators repeat and apply right to left", fun ()
        assert_eq(- -3, 3)
        assert_eq(~~5, 5)
        assert_eq(not not 1, true)
    end)
    it("postfix forms mix in any order", fun ()
        let data = {list: [fun (x) [x, x * 2] end]}
        assert_eq(data["list"][0](3)[1], 6)
        assert_eq([[1, 2], [3]].map(fun (a) a.len() end).len(), 2)
    end)
end)

describe("calls and literals (§3.3)", fun ()
    it("named, spread and keyword-spread arguments", fun ()
        fun f(a, b = 0, *more, **opts) [a, b, more.len(), opts.len()] end
        assert_eq(f(1, b: 2), [1, 2, 0, 0])
        assert_eq(f(*[1, 2, 3]), [1, 2, 1, 0])
        assert_eq(f(1, **{b: 5, z: 1}), [1, 5, 0, 1])
    end)
    it("member access without parentheses on non-structs gives a method reference", fun ()
        let ref = "abc".upper
        assert_eq(ref.cls(), "Fun")
        assert_eq(ref.str(), "<fun Str.upper>")
    end)
    it("lambdas on one line", fun ()
        let double = fun (x) x * 2 end
        assert_eq(double(4), 8)
    end)
end)
