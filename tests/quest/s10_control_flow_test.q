# §10 Control flow
use "std/test" {module, describe, it, assert_eq, assert, assert_raises}

module("§10 Control flow")

describe("if and while", fun ()
    it("conditions use truthiness; one-line form", fun ()
        let out = []
        if 0 out.push("no") elif "" out.push("no") elif [1] out.push("yes") end
        if nil out.push("n") else out.push("else") end
        assert_eq(out, ["yes", "else"])
    end)
    it("while re-evaluates its condition; each iteration is a new scope", fun ()
        let i = 0
        let seen = []
        while i < 3
            let sq = i * i
            seen.push(sq)
            i += 1
        end
        assert_eq(seen, [0, 1, 4])
    end)
end)

describe("for", fun ()
    it("to is inclusive, until exclusive; default step follows the direction", fun ()
        let a = []
        for i in 1 to 3 a.push(i) end
        for i in 3 until 1 a.push(i) end
        for i in 5 to 1 a.push(i) end
        assert_eq(a, [1, 2, 3, 3, 2, 5, 4, 3, 2, 1])
    end)
    it("explicit steps stop when passing the bound; bounds are truncated to Int", fun ()
        let a = []
        for i in 0 to 10 step 4 a.push(i) end
        for i in 5 until 0 step -1 a.push(i) end
        for i in 1.9 to 3.2 a.push(i) end
        assert_eq(a, [0, 4, 8, 5, 4, 3, 2, 1, 1, 2, 3])
    end)
    it("step 0 is a ValueErr (Rec)", fun ()
        assert_raises(ValueErr, fun () for i in 1 to 3 step 0 end end)
    end)
    it("bounds are evaluated once", fun ()
        let n = 3
        let count = 0
        for i in 1 to n
            n = 10
            count += 1
        end
        assert_eq(count, 3)
    end)
    it("arrays iterate over a snapshot; x, i gives element and index", fun ()
        let a = [1, 2, 3]
        let seen = []
        for x in a
            a.push(x)
            seen.push(x)
        end
        assert_eq(seen, [1, 2, 3])
        let pairs = []
        for x, i in ["a", "b"] pairs.push(x .. i) end
        assert_eq(pairs, ["a0", "b1"])
    end)
    it("dicts: k, v pairs; one variable gives the keys (Rec)", fun ()
        let d = {a: 1, b: 2}
        let ks = []
        for k in d ks.push(k) end
        let kv = []
        for k, v in d kv.push(k .. "=" .. v) end
        assert_eq(ks, ["a", "b"])
        assert_eq(kv, ["a=1", "b=2"])
    end)
    it("strings yield one-character strings", fun ()
        let cs = []
        for c in "héy" cs.push(c) end
        assert_eq(cs, ["h", "é", "y"])
    end)
    it("other values are not iterable: TypeErr (§16)", fun ()
        assert_raises(TypeErr, fun () for x in 5 end end)
        assert_raises(TypeErr, fun () for x, y in 5 end end)
        assert_raises(TypeErr, fun () for x in nil end end)
    end)
end)

describe("match", fun ()
    fun classify(v)
        match v
        in "a", "b"
            "letter"
        in nil
            "nothing"
        in 1, 2, 3
            "small"
        in 4 to 9
            "medium"
        in 10 until 20 step 5
            "tens"
        else
            "other"
        end
    end
    it("value lists use ==, ranges test bounds and steps", fun ()
        assert_eq([1, 2.0, 4, 9, 10, 15, 12, 20, "b", nil].map(fun (x) classify(x) end),
                  ["small", "small", "medium", "medium", "tens", "tens", "other", "other",
                   "letter", "nothing"])
    end)
    it("the subject is evaluated once; the first match wins", fun ()
        let calls = 0
        fun next_value() calls += 1 5 end
        let r = nil
        match next_value()
        in 1 r = "one"
        in 5 r = "five"
        in 5 r = "again"
        end
        assert_eq([r, calls], ["five", 1])
    end)
    it("no match and no else gives nil; value arms only (§16)", fun ()
        fun m(x) match x in 1 "one" end end
        assert_eq(m(2), nil)
        fun only_else(x) match x else "e" end end
        assert_eq(only_else(1), "e")
    end)
    it("range arms need numbers; a step must be a positive Int", fun ()
        assert_raises(TypeErr, fun () match "x" in 1 to 3 1 end end)
        assert_raises(TypeErr, fun () match 1 in 1 to 3 step 0.5 1 end end)
        assert_raises(ValueErr, fun () match 1 in 1 to 3 step 0 1 end end)
        assert_raises(ValueErr, fun () match 1 in 1 to 3 step -1 1 end end)
    end)
    it("Float and Int mix in ranges", fun ()
        fun m(x) match x in 1 to 2 "in" else "out" end end
        assert_eq([m(1.5), m(2.5)], ["in", "out"])
    end)
end)

describe("with", fun ()
    type Res
        name
        log
        suppress = false
        fun _enter() self.log.push("enter " .. self.name) self.name end
        fun _exit() self.log.push("exit " .. self.name) self.suppress end
    end
    it("enters in order, exits in reverse, binds as names, yields nil", fun ()
        let log = []
        fun use_both()
            with Res.new(name: "a", log: log) as a, Res.new(name: "b", log: log) as b
                log.push("body " .. a .. b)
            end
        end
        assert_eq(use_both(), nil)
        assert_eq(log, ["enter a", "enter b", "body ab", "exit b", "exit a"])
    end)
    it("exits run when the body raises; a truthy _exit suppresses the error", fun ()
        let log = []
        assert_raises(RuntimeErr, fun ()
            with Res.new(name: "r", log: log) raise "boom" end
        end)
        with Res.new("s", log, true)
            raise "suppressed"
        end
        assert_eq(log, ["enter r", "exit r", "enter s", "exit s"])
    end)
    it("an error in _exit wins; a manager without _enter/_exit is an AttrErr", fun ()
        type BadExit fun _enter() 1 end fun _exit() raise ValueErr.new("from exit") end end
        assert_raises(ValueErr, fun () with BadExit.new() raise "body" end end)
        type NoEnter pub x end
        assert_raises(AttrErr, fun () with NoEnter.new(1) 1 end end)
    end)
    it("the as name is removed afterwards", fun ()
        let log = []
        with Res.new(name: "t", log: log) as scoped_name
            assert_eq(scoped_name, "t")
        end
        assert_raises(NameErr, fun () scoped_name end)
    end)
end)
