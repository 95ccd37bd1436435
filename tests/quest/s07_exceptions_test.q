# §7 Exceptions
use "std/test" {module, describe, it, assert_eq, assert, assert_raises, assert_type}
use "std/error" {Error, BasicError}

module("§7 Exceptions")

fun caught(f)
    try
        f()
        nil
    catch e
        e
    end
end

describe("types (§7.1)", fun ()
    it("built-in error types are type objects; Err catches everything", fun ()
        let all = [IndexErr, TypeErr, ValueErr, ArgErr, AttrErr, NameErr, RuntimeErr, IOErr,
                   ImportErr, KeyErr, SyntaxErr, ConfigurationErr]
        for t in all
            let e = caught(fun () raise t.new("m") end)
            assert(e.type() == t)
            assert_eq(e.type().str(), t.str())
            let hit = false
            try raise t.new("m") catch any: Err hit = true end
            assert(hit)
        end
    end)
    it("the hierarchy is flat: a clause matches only its own name (or Err)", fun ()
        let r = "none"
        try
            try raise IndexErr.new("x") catch e: ValueErr r = "value" end
        catch e: IndexErr
            r = "index"
        end
        assert_eq(r, "index")
    end)
    it("user errors implement Error and are matched by type name", fun ()
        type NotFound
            pub what: Str
            impl Error
                fun message() "not found: " .. self.what end
                fun str() "NotFound(" .. self.what .. ")" end
            end
        end
        let got = nil
        try
            raise NotFound.new(what: "key")
        catch e: NotFound
            got = e
        end
        assert_eq(got.what, "key")
        assert_eq(got.message(), "not found: key")
        assert_eq(got.cls(), "NotFound")
    end)
end)

describe("raising (§7.2)", fun ()
    it("raise of a string is a RuntimeErr", fun ()
        let e = caught(fun () raise "boom" end)
        assert(e.type() == RuntimeErr)
        assert_eq(e.message(), "boom")
    end)
    it("X.new takes exactly one Str", fun ()
        assert_raises(ArgErr, fun () ValueErr.new() end)
        assert_raises(ArgErr, fun () ValueErr.new("a", "b") end)
        assert_raises(TypeErr, fun () ValueErr.new(5) end)
        assert_eq(SyntaxErr.new("m").message(), "m")
    end)
    it("raising a value that does not implement Error is a TypeErr", fun ()
        type Plain pub x end
        assert_raises(TypeErr, fun () raise Plain.new(1) end)
        assert_raises(TypeErr, fun () raise 42 end)
    end)
    it("bare raise inside catch re-raises; outside any catch it is a RuntimeErr", fun ()
        let e = caught(fun ()
            try raise ValueErr.new("first") catch x raise end
        end)
        assert(e.type() == ValueErr)
        assert_eq(e.message(), "first")
        assert_raises(RuntimeErr, fun () raise end)
    end)
    it("runtime errors carry the documented types", fun ()
        assert(caught(fun () undefined_name end).type() == NameErr)
        assert(caught(fun () fun f(a) a end f() end).type() == ArgErr)
        assert(caught(fun () 5.nope() end).type() == AttrErr)
        assert(caught(fun () [1][9] end).type() == IndexErr)
        assert(caught(fun () let a = [1] a[5] = 2 end).type() == IndexErr)
        assert(caught(fun () Set.new([1]).remove(2) end).type() == KeyErr)
        assert(caught(fun () [].pop() end).type() == RuntimeErr)
        assert(caught(fun () 1 / 0 end).type() == RuntimeErr)
        assert(caught(fun () "s"[0] = "x" end).type() == TypeErr)
    end)
end)

describe("try / catch / ensure (§7.3)", fun ()
    it("the first matching clause runs; untyped catch takes anything", fun ()
        let log = []
        try
            raise KeyErr.new("k")
        catch e: IndexErr
            log.push("index")
        catch e: KeyErr
            log.push("key")
        catch e
            log.push("any")
        end
        assert_eq(log, ["key"])
    end)
    it("catch forms: e, e: T, T as e, T, dotted T", fun ()
        let forms = []
        try raise ValueErr.new("a") catch ValueErr as err forms.push(err.message()) end
        try raise ValueErr.new("b") catch ValueErr forms.push("typed") end
        try raise ValueErr.new("c") catch err: ValueErr forms.push(err.message()) end
        assert_eq(forms, ["a", "typed", "c"])
    end)
    it("ensure runs on success, on error, and when return/break/continue leave (Rec)", fun ()
        let log = []
        fun f()
            try
                return 1
            ensure
                log.push("ensure-return")
            end
        end
        f()
        for i in 1 to 2
            try
                if i == 1 continue end
                break
            ensure
                log.push("ensure-" .. i)
            end
        end
        try
            try raise "x" ensure log.push("ensure-error") end
        catch e
        end
        assert_eq(log, ["ensure-return", "ensure-1", "ensure-2", "ensure-error"])
    end)
    it("an unmatched error propagates after ensure; an error in catch too", fun ()
        let log = []
        let e = caught(fun ()
            try raise IndexErr.new("i") catch x: ValueErr log.push("no") ensure log.push("ens") end
        end)
        assert(e.type() == IndexErr)
        let e2 = caught(fun ()
            try raise "a" catch x raise ValueErr.new("from catch") ensure log.push("ens2") end
        end)
        assert_eq(e2.message(), "from catch")
        assert_eq(log, ["ens", "ens2"])
    end)
    it("catch types must be error types, checked when the try starts", fun ()
        type Plain end
        assert_raises(TypeErr, fun () try 1 catch e: Plain 2 end end)
        assert_raises(NameErr, fun () try 1 catch e: NoSuchType 2 end end)
    end)
    it("an error in any expression of a try body is caught (§16)", fun ()
        fun f() try [1][3] catch e "caught" end end
        assert_eq(f(), "caught")
    end)
end)

describe("exception objects (§7.3)", fun ()
    it("type, message, str, _rep, line, file, stack", fun ()
        fun inner() raise ValueErr.new("deep") end
        fun outer() inner() end
        let e = caught(fun () outer() end)
        assert_eq(e.message(), "deep")
        assert_eq(e.str(), "ValueErr: deep")
        assert_eq(e._rep(), "ValueErr: deep")
        assert_eq("x" .. e.type(), "xValueErr")
        assert_type(e.line(), "Int")
        assert(e.file().ends_with("s07_exceptions_test.q"))
        let frames = e.stack()
        assert(frames.len() >= 3)
        assert(frames.any(fun (f) f.contains("inner") end))
        assert(frames.any(fun (f) f.contains("outer") end))
        assert(frames[0].starts_with("  at "))
        assert_eq(e.cause(), nil)
    end)
    it("runtime errors know their line and file too", fun ()
        let e = caught(fun () [1, 2][7] end)
        assert(e.line() != nil)
        assert(e.file() != nil)
    end)
    it("BasicError from std/error", fun ()
        let e = nil
        try raise BasicError.new(message: "basic") catch err: BasicError e = err end
        assert_eq(e.message(), "basic")
        assert_eq(e.str(), "BasicError: basic")
    end)
end)
