# §6 Functions
use "std/test" {module, describe, it, assert_eq, assert, assert_raises}

module("§6 Functions")

describe("calls and return values (§6.1)", fun ()
    it("a call yields the explicit return or the last statement's value", fun ()
        fun a() 1 2 end
        fun b() return 3 4 end
        fun c() end
        fun d() return end
        assert_eq([a(), b(), c(), d()], [2, 3, nil, nil])
    end)
    it("if and match yield the value of the branch taken", fun ()
        fun pick(x) if x > 0 "pos" elif x < 0 "neg" else "zero" end end
        assert_eq([pick(1), pick(-1), pick(0)], ["pos", "neg", "zero"])
        fun none(x) if x "yes" end end
        assert_eq(none(false), nil)
        fun m(x) match x in 1 "one" in 2, 3 "few" else "many" end end
        assert_eq([m(1), m(3), m(9)], ["one", "few", "many"])
    end)
    it("let, assignments, declarations and loops yield nil", fun ()
        fun f1() let x = 1 end
        fun f2() let x = 1 x = 2 end
        fun f3() fun inner() 1 end end
        fun f4() for i in 1 to 3 i end end
        fun f5() let i = 0 while i < 2 i += 1 end end
        assert_eq([f1(), f2(), f3(), f4(), f5()], [nil, nil, nil, nil, nil])
    end)
    it("try yields its body's value or the catch's; ensure's is discarded", fun ()
        fun t1() try 1 catch e 2 ensure 3 end end
        fun t2() try raise "x" catch e 2 ensure 3 end end
        assert_eq([t1(), t2()], [1, 2])
    end)
    it("return leaves the function from loops and try blocks", fun ()
        fun find(xs, wanted)
            for x, i in xs
                try
                    if x == wanted return i end
                catch e
                end
            end
            -1
        end
        assert_eq(find([5, 6, 7], 7), 2)
        assert_eq(find([5], 1), -1)
    end)
    it("break and continue affect the innermost loop, also from if/match/try", fun ()
        let out = []
        for i in 1 to 3
            for j in 1 to 3
                if j == 2 continue end
                match j in 3 break end
                out.push([i, j])
            end
        end
        assert_eq(out, [[1, 1], [2, 1], [3, 1]])
    end)
    it("calling an undefined name is a NameErr; calling a type is an AttrErr", fun ()
        assert_raises(NameErr, fun () no_such_function(1) end)
        type P pub x end
        assert_raises(AttrErr, fun () P(1) end)
    end)
    it("calls chain on any callable result", fun ()
        fun adder(n) fun (x) x + n end end
        assert_eq(adder(2)(3), 5)
        let fs = [fun (x) x * 2 end]
        assert_eq(fs[0](4), 8)
        let d = {f: fun (x) x - 1 end}
        assert_eq(d["f"](1), 0)
    end)
end)

describe("parameter binding (§6.2)", fun ()
    it("positional, named, defaults, *rest and **opts", fun ()
        fun f(a, b = 2, *rest, **opts) [a, b, rest, opts] end
        assert_eq(f(1), [1, 2, [], {}])
        assert_eq(f(1, 3, 4, 5), [1, 3, [4, 5], {}])
        assert_eq(f(b: 7, a: 1, c: 9), [1, 7, [], {c: 9}])
    end)
    it("errors: too many, given twice, missing, unknown names", fun ()
        fun g(a, b) a end
        assert_raises(ArgErr, fun () g(1, 2, 3) end)
        assert_raises(ArgErr, fun () g(1, a: 2) end)
        assert_raises(ArgErr, fun () g(1) end)
        assert_raises(ArgErr, fun () g(1, 2, c: 3) end)
    end)
    it("defaults are evaluated at call time, after earlier parameters", fun ()
        let base = 10
        fun f(a, b = a * 2, c = base + b) [a, b, c] end
        assert_eq(f(1), [1, 2, 12])
        base = 100
        assert_eq(f(1), [1, 2, 102])
        fun g(x = [])
            x.push(1)
            x
        end
        assert_eq([g(), g()], [[1], [1]])
    end)
    it("a default may contain calls and parentheses (Rec)", fun ()
        fun twice(x) x * 2 end
        fun f(a = twice((3))) a end
        assert_eq(f(), 6)
    end)
    it("required after defaulted is an error when the fun statement runs", fun ()
        assert_raises(ArgErr, fun ()
            fun bad(a = 1, b) a end
        end)
    end)
    it("parameter and return annotations are enforced", fun ()
        fun f(x: Int) -> Str x.str() end
        assert_eq(f(3), "3")
        assert_raises(TypeErr, fun () f("3") end)
        fun g(x) -> Int x end
        assert_raises(TypeErr, fun () g("no") end)
        fun h(n: Num, s: Str?, a: Array, d: Dict, b: Bool, fl: Float) "ok" end
        assert_eq(h(1.5, nil, [], {}, true, 2.0), "ok")
        assert_raises(TypeErr, fun () h(true, nil, [], {}, true, 2.0) end)
    end)
    it("user types in annotations compare with the value's type name (§16)", fun ()
        type Point pub x end
        fun norm(p: Point) -> Point p end
        let p = Point.new(1)
        assert_eq(norm(p).x, 1)
        assert_raises(TypeErr, fun () norm(5) end)
    end)
    it("spreading arrays and dicts into calls", fun ()
        fun f(a, b, c = 0) [a, b, c] end
        assert_eq(f(*[1, 2]), [1, 2, 0])
        assert_eq(f(1, **{b: 5, c: 6}), [1, 5, 6])
        assert_eq(f(**{a: 1, b: 2}, **{b: 3}), [1, 3, 0])
    end)
    it("positional after named and duplicate names are ArgErr", fun ()
        fun f(a, b) a end
        assert_raises(ArgErr, fun () f(a: 1, 2) end)
        assert_raises(ArgErr, fun () f(a: 1, a: 2) end)
    end)
    it("lambdas take defaults, varargs and kwargs too (Rec)", fun ()
        let f = fun (x, y = 2, *rest, **kw) [x, y, rest, kw] end
        assert_eq(f(1, 2, 3, k: 4), [1, 2, [3], {k: 4}])
    end)
end)

describe("decorators (§6.3)", fun ()
    it("a type with _call wraps the function; decorators apply bottom-up", fun ()
        type Twice
            func
            fun _call(x) self.func(self.func(x)) end
        end
        type AddOne
            func
            fun _call(x) self.func(x) + 1 end
        end
        @Twice
        fun inc(x) x + 1 end
        assert_eq(inc(0), 2)
        @AddOne
        @Twice
        fun dbl(x) x * 2 end
        assert_eq(dbl(1), 5)
    end)
    it("decorator arguments: positional after the function, or named with func:", fun ()
        type Scale
            func
            factor
            fun _call(x) self.func(x) * self.factor end
        end
        @Scale(10)
        fun one(x) x end
        assert_eq(one(2), 20)
        @Scale(factor: 3)
        fun two(x) x end
        assert_eq(two(2), 6)
    end)
    it("_decorate replaces the instance with its result", fun ()
        type Log
            func
            fun _decorate(f) fun (x) "logged " .. f(x) end end
        end
        @Log
        fun hello(n) "hi " .. n end
        assert_eq(hello("q"), "logged hi q")
    end)
end)
