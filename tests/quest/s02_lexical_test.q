# §2 Lexical structure
use "std/test" {module, describe, it, assert_eq, assert, assert_raises}
use "std/sys"

module("§2 Lexical structure")

describe("comments and identifiers", fun ()
    it("# comments to the end of the line", fun ()
        let x = 1 # a comment
        # another
        assert_eq(x, 1)
    end)
    it("keywords are whole words", fun ()
        let nil_value = 1
        let format = 2
        let endpoint = 3
        let index = 4
        let true_flag = 5
        let total = 6
        assert_eq(nil_value + format + endpoint + index + true_flag + total, 21)
    end)
    it("keywords cannot be names", fun ()
        for src in ["let end = 1", "let step = 1", "fun f(type) end", "fun f(to) end"]
            assert_raises(SyntaxErr, fun () sys.eval(src) end)
        end
    end)
    it("after a dot any word is a member name", fun ()
        assert_raises(SyntaxErr, fun () sys.eval("{end: 1}") end)
        assert_eq({"end": 2}.end, 2)
        let e = nil
        try raise ValueErr.new("m") catch err e = err end
        assert_eq(e.type(), ValueErr)
    end)
    it("magic variables __file__, __line__, __function__", fun ()
        assert(__file__.ends_with("s02_lexical_test.q"))
        assert_eq(__line__, 36)
        fun who() __function__ end
        assert_eq(who(), "who")
        assert_eq(sys.eval("__function__"), "<module>")
    end)
    it("type words evaluate to their own name", fun ()
        assert_eq([Int, Float, Str, Bool, Bytes, Uuid, Num, Obj, Func], ["Int", "Float", "Str", "Bool",
                                                                        "Bytes", "Uuid", "Num", "Obj", "Func"])
        assert_eq(Array.new(1), [nil])
    end)
end)

describe("numbers", fun ()
    it("decimal, hex, binary, octal, separators", fun ()
        assert_eq([42, 0xFF, 0Xff, 0b1010, 0B11, 0o755, 0O7, 1_000_000, 0xFF_FF],
                  [42, 255, 255, 10, 3, 493, 7, 1000000, 65535])
    end)
    it("bad based literals are syntax errors", fun ()
        for src in ["0xGHI", "0x", "0b102", "0o9", "1__0", "1_"]
            assert_raises(SyntaxErr, fun () sys.eval(src) end)
        end
    end)
    it("floats: a dot needs a digit after it; exponents", fun ()
        assert_eq([3.14, 1_000.5, 1e10, 2.5E-3, 1_0e1_0], [3.14, 1000.5, 10000000000.0, 0.0025, 100000000000.0])
        assert_eq(5.abs(), 5)
        assert_eq(1e3.cls(), "Float")
    end)
    it("BigInt literals take an n suffix", fun ()
        assert_eq([123n.cls(), 0xFFn.to_int()], ["BigInt", 255])
    end)
    it("there are no negative literals: postfix binds tighter than unary minus", fun ()
        assert_eq(-5.abs(), -5)
        assert_eq((-5).abs(), 5)
    end)
end)

describe("strings", fun ()
    it("single and double quotes with escapes; unknown escapes are kept", fun ()
        assert_eq("a\nb".split("\n"), ["a", "b"])
        assert_eq("a\rb\\".len(), 4)
        assert_eq("tab\there".len(), 8)
        assert_eq('it\'s', "it's")
        assert_eq("back\\slash".len(), 10)
        assert_eq("keep \q".len(), 7)
    end)
    it("raw newlines are not allowed in single-line strings", fun ()
        assert_raises(SyntaxErr, fun () sys.eval("\"abc\ndef\"") end)
    end)
    it("triple-quoted strings are multi-line and raw", fun ()
        let s = """a\n
b"""
        assert_eq(s, "a\\n\nb")
        assert_eq('''x'''.len(), 1)
    end)
    it("f-strings interpolate names and expressions (§15) with format specs", fun ()
        let name = "Q"
        let n = 3
        assert_eq(f"hi {name}!", "hi Q!")
        assert_eq(f"{n * 2} {n:>3} {name.lower()}", "6   3 q")
        assert_eq(f'single {name}', "single Q")
        assert_eq(f"a } b", "a } b")
        assert_raises(NameErr, fun () sys.eval("f\"{nope}\"") end)
    end)
    it("bytes literals: ASCII with escapes", fun ()
        assert_eq(b"A\x42\n".to_array(), [65, 66, 10])
        assert_eq(B'x'.len(), 1)
        assert_eq(b'\''.len(), 1)
        assert_raises(SyntaxErr, fun () sys.eval("b\"é\"") end)
    end)
    it("a string first in a function is its docstring", fun ()
        fun documented() "The doc." 1 end
        assert_eq(documented._doc(), "The doc.")
    end)
end)

describe("literals", fun ()
    it("arrays and dicts; dict keys are names or strings", fun ()
        assert_eq([[], [1, [2]], {}, {a: 1, "b c": 2}], [[], [1, [2]], {}, {a: 1, "b c": 2}])
        let k = "dyn"
        assert_eq({f"{k}key": 1}, {dynkey: 1})
    end)
    it("no trailing commas in calls, arrays and dicts", fun ()
        for src in ["[1, 2,]", "{a: 1,}", "puts(1,)"]
            assert_raises(SyntaxErr, fun () sys.eval(src) end)
        end
    end)
end)
