# §11 Modules
use "std/test" {module, describe, it, assert_eq, assert, assert_raises}
use "std/sys"
use "fixtures/counter"
use "fixtures/counter" as c2
use "fixtures/counter" {inc, peek_hidden as peek}

module("§11 Modules")

describe("use forms", fun ()
    it("binds the last path segment, an alias, or selected names", fun ()
        assert_eq(counter.cls(), "Module")
        assert_eq(counter.str(), "<module counter>")
        assert_eq(c2.count, counter.count)
        assert_eq(peek(), "private")
    end)
    it("modules run once and their state is shared", fun ()
        let before = counter.count
        inc()
        counter.inc()
        assert_eq(c2.count, before + 2)
    end)
    it("only pub names are visible", fun ()
        assert_raises(AttrErr, fun () counter.hidden end)
        assert_raises(ImportErr, fun () sys.eval("use \"fixtures/counter\" {hidden}") end)
    end)
    it("the module docstring, or a default", fun ()
        assert_eq(counter._doc(), "Counter fixture: shared module state.")
        use "fixtures/early_return" as er
        assert_eq(er._doc(), "Module: early_return")
    end)
    it("use works inside functions and binds in the current scope", fun ()
        fun local_use()
            use "std/math"
            math.pi
        end
        assert(local_use() > 3.14)
    end)
    it("re-binding an existing name in the same scope is an error", fun ()
        assert_raises(NameErr, fun ()
            let math = 1
            use "std/math"
        end)
    end)
end)

describe("resolution", fun ()
    it("std modules first; missing modules are ImportErr", fun ()
        assert_raises(ImportErr, fun () sys.eval("use \"no/such/module\"") end)
    end)
    it("a path starting with . is relative to the importing file", fun ()
        use "fixtures/relative_user" as ru
        assert_eq(ru.sibling_count(), counter.count)
    end)
    it("circular imports are ImportErr", fun ()
        assert_raises(ImportErr, fun () sys.eval("use \"fixtures/cycle_a\"") end)
    end)
    it("top-level return ends a module silently (§16)", fun ()
        use "fixtures/early_return" as er
        assert_eq(er.before, 1)
        assert_raises(AttrErr, fun () er.after end)
    end)
    it("sys.load_module loads by path with every name visible", fun ()
        let m = sys.load_module("fixtures/all_visible.q")
        assert_eq(m.only_here, "all names")
    end)
end)
