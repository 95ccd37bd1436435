# §15 trioquest extensions
use "std/test" {module, describe, it, assert_eq, assert, assert_raises}
use "std/sys"

module("§15 trioquest extensions")

describe("async and await are keywords where they must be", fun ()
    it("async is a plain name unless followed by fun, with or type", fun ()
        let async = {spawn: fun (x) x * 2 end}
        assert_eq(async.spawn(21), 42)
    end)
    it("await and async fun compile in every position", fun ()
        let defined = []
        for src in ["async fun f() await g() end", "let h = async fun () 1 end",
                    "type T async fun m() 1 end static async fun s() 2 end async fun self.t() 3 end end",
                    "fun () await x end"]
            sys.eval(src)
            defined.push(src.len())
        end
        assert_eq(defined.len(), 4)
    end)
end)

describe("static fun", fun ()
    it("is the same as fun self.name", fun ()
        type K static fun make() "made" end end
        assert_eq(K.make(), "made")
    end)
end)

describe("** power", fun ()
    it("is right-associative and binds above unary minus", fun ()
        assert_eq(-2 ** 2, -4)
        assert_eq(2 ** 3 ** 2, 512)
        assert_eq(2 ** 10, 1024)
        assert_eq((2 ** 10).cls(), "Int")
        assert_eq(2 ** -1, 0.5)
        assert_eq((2.0 ** 2).cls(), "Float")
        assert_eq(4 ** 0.5, 2.0)
    end)
end)

describe("dict member access", fun ()
    it("d.key reads a key, nil when absent; methods keep priority", fun ()
        let result = {index: 2, ok: [1, 2], value: {"type": "cpu"}}
        assert_eq(result.index, 2)
        assert_eq(result.ok.len(), 2)
        assert_eq(result.value.type, "cpu")
        assert_eq(result.nothing, nil)
        assert_eq({len: 5}.len(), 1)
    end)
    it("d.name(args) calls the function stored at the key", fun ()
        let api = {greet: fun (who) "hi " .. who end}
        assert_eq(api.greet("q"), "hi q")
        assert_raises(AttrErr, fun () api.missing() end)
    end)
end)

describe("catch forms", fun ()
    it("catch T as e, catch T, dotted types", fun ()
        let got = []
        try raise ValueErr.new("a") catch ValueErr as e got.push(e.message()) end
        try raise ValueErr.new("b") catch ValueErr got.push("bare") end
        assert_eq(got, ["a", "bare"])
    end)
end)

describe("legacy field syntax", fun ()
    it("str: name and int?: id", fun ()
        type User
            str: name
            int?: id
            num: Int
            fun describe() self.name .. "/" .. self.id .. "/" .. self.num end
        end
        let u = User.new(name: "ann", num: 3)
        assert_eq(u.describe(), "ann/nil/3")
        assert_raises(TypeErr, fun () User.new(name: 5, num: 1) end)
    end)
end)

describe("f-strings take any expression", fun ()
    it("method calls, fields, arithmetic, specs", fun ()
        let results = {ok: [1, 2, 3]}
        let msg = {value: {"type": "disk"}}
        let update = {progress: 0.5}
        assert_eq(f"{results.ok.len()} ok", "3 ok")
        assert_eq(f"{msg.value.type}", "disk")
        assert_eq(f"{update.progress * 100}%", "50%")
        assert_eq(f"{update.progress * 100:.1}%", "50.0%")
        # {{ is a literal brace (trioquest extension); a lone } stays as written
        assert_eq(f"{{literal}}", "{literal}}")
    end)
end)

describe("integers do not overflow", fun ()
    it("Int is unbounded; division keeps truncating semantics", fun ()
        assert_eq(10 ** 20 + 1, 100000000000000000001)
        assert_eq(-(10 ** 20) / 3, -33333333333333333333)
        assert_eq(9223372036854775807 * 2, 18446744073709551614)
    end)
end)
