# §9 Output and string forms
use "std/test" {module, describe, it, assert_eq, assert}
use "std/io"
use "std/sys"

module("§9 Output and string forms")

fun captured(f)
    let buf = io.StringIO.new()
    let guard = sys.redirect_stream(sys.stdout, buf)
    try
        f()
    ensure
        guard.restore()
    end
    buf.get_value()
end

describe("puts and print (§9.1)", fun ()
    it("puts writes its arguments with no separator and a newline", fun ()
        assert_eq(captured(fun () puts("a", 1, nil, true) end), "a1niltrue\n")
        assert_eq(captured(fun () puts() end), "\n")
        assert_eq(captured(fun () print("x", 2) print("y") end), "x2y")
    end)
    it("puts and print return nil", fun ()
        let r = nil
        captured(fun () r = [puts("a"), print("b")] end)
        assert_eq(r, [nil, nil])
    end)
    it("string forms of every kind of value", fun ()
        type P pub a pub b end
        trait T fun f() end
        fun named() 1 end
        assert_eq([1, -2, true, false, nil].map(fun (v) v.str() end), ["1", "-2", "true", "false", "nil"])
        assert_eq([1, "a", [2, "b"]].str(), "[1, a, [2, b]]")
        assert_eq({b: "x", a: [1]}.str(), "{a: [1], b: x}")
        assert_eq(Set.new(["b", 1, 2]).str(), "Set{1, 2, \"b\"}")
        assert_eq(b"a\"\\\x01".str(), "b\"a\\x22\\x5c\\x01\"")
        assert_eq(P.new(1, "s").str(), "P{ a: 1, b: s }")
        assert_eq([named.str(), (fun () 1 end).str()], ["<fun named>", "<fun <anonymous>>"])
        assert_eq([P.str(), T.str(), ValueErr.str()], ["type P", "trait T", "ValueErr"])
        assert_eq(io.str(), "<module io>")
        assert_eq([Decimal.new("123.45").str(), 42n.str()], ["123.45", "42"])
        let e = nil
        try raise ValueErr.new("m") catch err e = err end
        assert_eq(e.str(), "ValueErr: m")
    end)
    it("_rep quotes strings and wraps Decimal and BigInt", fun ()
        assert_eq(["hi"._rep(), Decimal.new("1.5")._rep(), 42n._rep(), 5._rep()],
                  ["\"hi\"", "Decimal(1.5)", "BigInt(42)", "5"])
    end)
    it("honours redirect_stream, also for stderr", fun ()
        let err = io.StringIO.new()
        let g = sys.redirect_stream(sys.stderr, err)
        sys.stderr.write("to err")
        g.restore()
        assert_eq(err.get_value(), "to err")
    end)
end)

describe("float formatting (§9.2)", fun ()
    it("integral values below 1e10 print without a fraction", fun ()
        assert_eq([5.0.str(), (-0.0).str(), 1e9.str(), 2.0 .. ""], ["5", "-0", "1000000000", "2"])
    end)
    it("otherwise shortest round-trip digits, positional, no exponent", fun ()
        assert_eq([3.14.str(), 0.1.str(), 1e20.str(), 1e-7.str(), 1.5e10.str(), (0.1 + 0.2).str()],
                  ["3.14", "0.1", "100000000000000000000", "0.0000001", "15000000000",
                   "0.30000000000000004"])
    end)
end)

describe("dict iteration order (§9.3)", fun ()
    it("insertion order (Rec)", fun ()
        let d = {}
        d["z"] = 1
        d["a"] = 2
        d["m"] = 3
        assert_eq(d.keys(), ["z", "a", "m"])
    end)
end)

describe("format specs (§9.4)", fun ()
    it("width, alignment and fill; right alignment by default", fun ()
        let n = 42
        let s = "ab"
        assert_eq([f"{n:5}", f"{s:5}", f"{s:<5}", f"{s:^6}", f"{s:*>4}"],
                  ["   42", "   ab", "ab   ", "  ab  ", "**ab"])
    end)
    it("sign, alternate form, zero fill, types x X b o e E", fun ()
        let n = 255
        let neg = -5
        assert_eq([f"{n:+}", f"{n: }", f"{n:x}", f"{n:X}", f"{n:#x}", f"{n:b}", f"{n:#o}", f"{neg:05}"],
                  ["+255", " 255", "ff", "FF", "0xff", "11111111", "0o377", "-0005"])
        let x = 1234.5
        assert_eq([f"{x:e}", f"{x:E}", f"{x:x}"], ["1.234500e+03", "1.234500E+03", "4d2"])
    end)
    it("precision: fixed decimals on numbers, truncation on strings", fun ()
        let three = 3
        let pi = 3.14159
        let word = "abcdef"
        assert_eq([f"{three:.2}", f"{pi:.3}", f"{word:.3}", f"{pi:8.2}"],
                  ["3.00", "3.142", "abc", "    3.14"])
    end)
    it("Str.fmt: positional, indexed, specs, escapes; too few args is ArgErr", fun ()
        assert_eq("{} {}".fmt("a", 1), "a 1")
        assert_eq("{1} {0}".fmt("a", "b"), "b a")
        assert_eq("{0:.2}".fmt(2), "2.00")
        assert_eq("{{}} {}".fmt(1), "{} 1")
    end)
end)
