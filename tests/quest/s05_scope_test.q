# §5 Variables and scope
use "std/test" {module, describe, it, assert_eq, assert, assert_raises}
use "std/sys"

module("§5 Variables and scope")

describe("let, assignment, const", fun ()
    it("let declares left to right", fun ()
        let a = 1, b = a + 1
        assert_eq(b, 2)
    end)
    it("let twice in one scope is a NameErr; shadowing in an inner scope is fine", fun ()
        assert_raises(NameErr, fun ()
            let x = 1
            let x = 2
        end)
        let y = 1
        if true
            let y = 2
            assert_eq(y, 2)
        end
        assert_eq(y, 1)
    end)
    it("assignment updates the nearest binding; undeclared is a NameErr", fun ()
        let x = 1
        fun set() x = 5 end
        set()
        assert_eq(x, 5)
        assert_raises(NameErr, fun () undeclared_thing = 3 end)
    end)
    it("const cannot be reassigned, but its contents may change", fun ()
        const LIST = [1]
        LIST.push(2)
        assert_eq(LIST, [1, 2])
        assert_raises(TypeErr, fun () LIST = [] end)
        assert_raises(TypeErr, fun () LIST += [3] end)
    end)
    it("Ref: the const check sees a const in any enclosing scope", fun ()
        const K = 1
        assert_raises(TypeErr, fun ()
            let K = 2
            K = 3
        end)
    end)
    it("typed let: assignments are checked, the declaration is not", fun ()
        let n: Int = 1
        n = 2
        assert_eq(n, 2)
        assert_raises(TypeErr, fun () n = "x" end)
        let num: Num = 1
        num = 2.5
        assert_eq(num, 2.5)
        let odd: Int = "not checked"
        assert_eq(odd, "not checked")
    end)
    it("del removes a name from the current scope, which may then be redeclared", fun ()
        let d = 1
        del d
        assert_raises(NameErr, fun () d end)
        let d = 2
        assert_eq(d, 2)
    end)
    it("del of an outer name is a RuntimeErr, of an undefined one a NameErr", fun ()
        let outer = 1
        assert_raises(RuntimeErr, fun () del outer end)
        assert_raises(NameErr, fun () del nothing_here end)
    end)
end)

describe("scopes", fun ()
    it("each if branch, loop iteration, try body and match arm is a scope", fun ()
        if true let inner = 1 end
        assert_raises(NameErr, fun () sys.eval("inner") end)
        let i = 0
        while i < 2
            let fresh = i
            i += 1
        end
        for k in 1 to 2 let per_iteration = k end
        try let in_try = 1 catch e end
        match 1 in 1 let in_arm = 1 end
        assert_eq(i, 2)
    end)
    it("catch bodies have their own scope (Rec)", fun ()
        try raise "a" catch e let msg = 1 end
        try raise "b" catch e let msg = 2 end
        assert(true)
    end)
    it("with and ensure bodies are not scopes", fun ()
        type M fun _enter() self end fun _exit() nil end end
        with M.new() as m
            let from_with = 1
        end
        assert_eq(from_with, 1)
        try
            nil
        ensure
            let from_ensure = 2
        end
        assert_eq(from_ensure, 2)
    end)
end)

describe("closures", fun ()
    it("capture by reference and see later declarations", fun ()
        let count = 0
        let inc = fun () count += 1 end
        inc()
        inc()
        assert_eq(count, 2)
        fun later() declared_after end
        let declared_after = "late"
        assert_eq(later(), "late")
    end)
    it("each loop iteration has its own variables", fun ()
        let fns = []
        for i in 1 to 3
            fns.push(fun () i end)
        end
        assert_eq(fns.map(fun (f) f() end), [1, 2, 3])
        let gs = []
        let j = 0
        while j < 3
            let k = j * 10
            gs.push(fun () k end)
            j += 1
        end
        assert_eq(gs.map(fun (g) g() end), [0, 10, 20])
    end)
    it("closures created in an iteration share that iteration's variable", fun ()
        let pairs = []
        for i in 1 to 2
            let n = 0
            pairs.push([fun () n += 1 end, fun () n end])
        end
        pairs[0][0]()
        pairs[0][0]()
        pairs[1][0]()
        assert_eq([pairs[0][1](), pairs[1][1]()], [2, 1])
    end)
    it("a named fun binds when executed; recursion works", fun ()
        assert_raises(NameErr, fun () sys.eval("not_yet()") end)
        fun fact(n) if n <= 1 1 else n * fact(n - 1) end end
        assert_eq(fact(10), 3628800)
    end)
    it("a second fun of the same name rebinds it for every caller", fun ()
        fun f() 1 end
        fun g() f() end
        assert_eq(g(), 1)
        fun f() 2 end
        assert_eq(g(), 2)
        assert_eq(f(), 2)
    end)
end)
