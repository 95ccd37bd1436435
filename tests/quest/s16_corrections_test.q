# §16 Corrections found by auditing the reference
use "std/test" {module, describe, it, assert_eq, assert, assert_raises}
use "std/io"
use "std/sys"

module("§16 Corrections")

describe("corrections", fun ()
    it("module-qualified decorators resolve as module members", fun ()
        use "fixtures/decorators"
        @decorators.Twice
        fun inc(x) x + 1 end
        assert_eq(inc(0), 2)
    end)
    it("Int % 0.0 and Int.mod(0.0) raise RuntimeErr", fun ()
        assert_raises(RuntimeErr, fun () 5 % 0.0 end)
        assert_raises(RuntimeErr, fun () 5.mod(0.0) end)
    end)
    it("user-type annotations compare with the value's type name", fun ()
        type Point pub x end
        let p: Point = Point.new(1)
        p = Point.new(2)
        assert_eq(p.x, 2)
        assert_raises(TypeErr, fun () p = 5 end)
    end)
    it(".cls() exists on every value", fun ()
        type T end
        trait Tr fun f() end
        fun f() 1 end
        let e = nil
        try raise "x" catch err e = err end
        assert_eq([f.cls(), e.cls(), io.cls(), T.cls(), Tr.cls(), io.StringIO.new().cls()],
                  ["UserFun", "Exception", "Module", "Type", "Trait", "StringIO"])
    end)
    it("SyntaxErr.new constructs a SyntaxErr", fun ()
        assert_eq(SyntaxErr.new("m").type(), SyntaxErr)
    end)
    it("for over a non-iterable is a TypeErr", fun ()
        assert_raises(TypeErr, fun () for x in 42 end end)
    end)
    it("match may have value arms only, or only else", fun ()
        fun a(x) match x in 1 "one" end end
        fun b(x) match x else "else" end end
        assert_eq([a(1), b(1)], ["one", "else"])
    end)
    it("nil.is(T) works; nil.cls() and nil.str() (Rec §4)", fun ()
        assert(nil.is(Nil))
        assert_eq([nil.cls(), nil.str()], ["Nil", "nil"])
        assert_raises(AttrErr, fun () nil.upper() end)
    end)
    it("Float combined with Decimal gives a Decimal", fun ()
        assert_eq((1.5 + Decimal.new("1")).cls(), "Decimal")
        assert_eq((Decimal.new("2") * 0.5).cls(), "Decimal")
    end)
    it("ensure runs whenever control leaves the try", fun ()
        let log = []
        fun f() try return 1 ensure log.push("r") end end
        f()
        for i in 1 to 1 try break ensure log.push("b") end end
        for i in 1 to 1 try continue ensure log.push("c") end end
        assert_eq(log, ["r", "b", "c"])
    end)
    it("obj.field(args) calls a function stored in a field", fun ()
        type H pub cb end
        assert_eq(H.new(fun (a, b) a + b end).cb(1, 2), 3)
    end)
    it("every error in a try body is caught", fun ()
        let n = 0
        try
            [1][5]
        catch e
            n = 1
        end
        assert_eq(n, 1)
    end)
    it("builtin functions reject unknown named arguments with ArgErr", fun ()
        assert_raises(ArgErr, fun () chr(65, bogus: 1) end)
        assert_raises(ArgErr, fun () "abc".upper(loud: true) end)
    end)
    it("top-level return ends sys.eval code silently", fun ()
        assert_eq(sys.eval("return 1"), nil)
    end)
end)
