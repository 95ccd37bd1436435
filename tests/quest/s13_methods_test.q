# §13 Built-in types: method tables
use "std/test" {module, describe, it, assert_eq, assert, assert_raises, assert_near}

module("§13 Method tables")

describe("every value", fun ()
    it("answers cls, str, _rep, _id, is", fun ()
        for v in [1, 1.5, "s", true, nil, [1], {a: 1}, b"x", 5n, Decimal.new("1.5"), Set.new([1])]
            assert(v.cls().len() > 0)
            assert(v.str().cls() == "Str")
            assert(v._rep().cls() == "Str")
            assert(v._id().cls() == "Int")
        end
        assert_eq(nil.cls(), "Nil")
        assert_eq(nil.str(), "nil")
        assert_eq("hi"._rep(), "\"hi\"")
        assert_eq(5n._rep(), "BigInt(5)")
        assert_eq(Decimal.new("1.5")._rep(), "Decimal(1.5)")
    end)
end)

describe("Int", fun ()
    it("arithmetic and comparison names", fun ()
        assert_eq([7.plus(2), 7.minus(2), 7.times(2), 7.div(2), 7.mod(2)], [9, 5, 14, 3, 1])
        assert_eq([7.add(1), 7.sub(1), 7.mul(2)], [8, 6, 14])
        assert_eq([3.eq(3), 3.neq(3), 3.gt(2), 3.lt(2), 3.gte(3), 3.lte(2)],
                  [true, false, true, false, true, false])
        assert_eq(7.plus(0.5), 7.5)
    end)
    it("abs, neg, sign, pow, min, max, rounding, conversions", fun ()
        assert_eq([(-4).abs(), 4.neg(), (-9).sign(), 0.sign(), 2.pow(10), 3.min(1), 3.max(8)],
                  [4, -4, -1, 0, 1024, 1, 8])
        assert_eq(2.pow(-1), 0.5)
        assert_eq([5.round(), 5.floor(), 5.ceil(), 5.trunc()], [5, 5, 5, 5])
        assert_eq(5.to_f64().cls(), "Float")
        assert_eq(5.to_num(), 5.0)
        assert_eq(42.to_string(), "42")
    end)
end)

describe("Float", fun ()
    it("rounding gives Int, trunc gives Float", fun ()
        assert_eq([2.5.round(), (-2.5).round(), 2.7.floor(), 2.1.ceil(), (-2.7).to_int()],
                  [3, -3, 2, 3, -2])
        assert_eq(2.7.trunc(), 2.0)
        assert_eq(2.7.trunc().cls(), "Float")
        assert_eq(2.7.floor().cls(), "Int")
    end)
    it("abs, neg, sign, pow, min, max, predicates, to_string", fun ()
        assert_eq([(-1.5).abs(), 1.5.neg(), (-2.0).sign(), 2.0.pow(3), 1.5.min(0.5), 1.5.max(2)],
                  [1.5, -1.5, -1.0, 8.0, 0.5, 2])
        assert_eq([1.5.is_nan(), 1.5.is_infinite(), 1.5.is_finite()], [false, false, true])
        assert_eq(3.0.to_string(), "3")
        assert_eq(0.1.to_string(), "0.1")
    end)
end)

describe("Str", fun ()
    it("case, trimming, repeat, concat", fun ()
        assert_eq(["aB".upper(), "aB".lower(), "hello world".capitalize(), "hello world".title()],
                  ["AB", "ab", "Hello world", "Hello World"])
        assert_eq(["  x ".trim(), "  x ".ltrim(), "  x ".rtrim()], ["x", "x ", "  x"])
        assert_eq(["ab".repeat(3), "a".concat("b")], ["ababab", "ab"])
    end)
    it("split, slice, replace, contains, starts/ends", fun ()
        assert_eq("a,b,,c".split(","), ["a", "b", "", "c"])
        assert_eq("abc".split(""), ["a", "b", "c"])
        assert_eq(["hello".slice(1, 3), "hello".slice(-3, 5), "hello".slice(3, 1), "hello".slice(0, 99)],
                  ["el", "llo", "", "hello"])
        assert_eq("aXbXc".replace("X", "-"), "a-b-c")
        assert_eq(["abc".contains("b"), "abc".startswith("ab"), "abc".starts_with("b"),
                   "abc".endswith("bc"), "abc".ends_with("x")], [true, true, false, true, false])
        assert_eq(["abcb".index_of("b"), "abc".index_of("z"), "aaaa".count("aa")], [1, -1, 2])
    end)
    it("predicates are false for the empty string", fun ()
        assert_eq(["a1".isalnum(), "ab".isalpha(), "ab".isascii(), "12".isdigit(), "12".isnumeric(),
                   "12".isdecimal(), "ab".islower(), "AB".isupper(), " ".isspace(), "Ab".istitle()],
                  [true, true, true, true, true, true, true, true, true, true])
        assert_eq(["".isalpha(), "".isdigit(), "".isspace(), "".isascii()], [false, false, false, false])
    end)
    it("expandtabs, fmt, len", fun ()
        assert_eq("a\tb".expandtabs(4), "a   b")
        assert_eq("{} + {} = {2}".fmt(1, 2, 3), "1 + 2 = 3")
        assert_eq("{0:>4}|{0:.2}".fmt(1.5), " 1.5|1.50")
        assert_raises(ArgErr, fun () "{} {}".fmt(1) end)
        assert_eq("abc".len(), 3)
    end)
    it("conversions: to_int, to_float, to_decimal, to_bigint, ord, bytes", fun ()
        assert_eq([" 42 ".to_int(), "1_000".to_int(), "0xff".to_int(), "0b101".to_int(), "0o17".to_int()],
                  [42, 1000, 255, 5, 15])
        assert_raises(ValueErr, fun () "12abc".to_int() end)
        assert_eq("2.5".to_float(), 2.5)
        assert_eq("1.25".to_decimal().cls(), "Decimal")
        assert("123n".to_bigint().equals(123n))
        assert_eq("A".ord(), 65)
        assert_eq("hé".bytes(), b"h\xc3\xa9")
    end)
    it("encode, decode and hashes", fun ()
        assert_eq(["hi".encode("hex"), "hi".encode("b64"), "hi".encode("base64")],
                  ["6869", "aGk=", "aGk="])
        assert_eq(["6869".decode("hex"), "aGk=".decode("b64")], ["hi", "hi"])
        assert_eq("abc".md5(), "900150983cd24fb0d6963f7d28e17f72")
        assert_eq("abc".sha256().len(), 64)
        assert_eq("abc".hash("sha1"), "a9993e364706816aba3e25717850c26c9cd0d89d")
        assert_eq("abc".crc32(), "352441c2")
        assert_eq(["a".eq("a"), "a".neq("b")], [true, true])
    end)
end)

describe("Bool", fun ()
    it("eq and neq compare truthiness", fun ()
        assert_eq([true.eq(1), false.eq(nil), true.neq(0)], [true, true, true])
    end)
end)

describe("Array", fun ()
    it("push, pop, shift, unshift, get, first, last", fun ()
        let a = [1, 2]
        assert_eq(a.push(3), [1, 2, 3])
        assert_eq([a.pop(), a.shift(), a.unshift(0), a.get(1), a.first(), a.last()],
                  [3, 1, [0, 2], 2, 0, 2])
        assert_eq(a.get(-1), 0)
        assert_raises(RuntimeErr, fun () [].pop() end)
        assert_raises(RuntimeErr, fun () [].first() end)
        assert_raises(RuntimeErr, fun () [].last() end)
    end)
    it("insert, remove, remove_at, clear, reverse, sort", fun ()
        let a = [3, 1, 2]
        assert_eq(a.insert(1, 9), [3, 9, 1, 2])
        assert_eq(a.remove(9), true)
        assert_eq(a.remove(42), false)
        assert_eq(a.remove_at(0), 3)
        assert_eq([1, 3, 2].sort(), [1, 2, 3])
        assert_eq([1, 2].reverse(), [2, 1])
        assert_eq([1].clear(), [])
        assert_raises(IndexErr, fun () [1].insert(5, 0) end)
        assert_raises(IndexErr, fun () [1].remove_at(5) end)
    end)
    it("reversed, sorted, slice and concat make new arrays", fun ()
        let a = [3, 1, 2]
        assert_eq([a.reversed(), a.sorted(), a.slice(1, 3), a.slice(-2, 3), a.concat([4])],
                  [[2, 1, 3], [1, 2, 3], [1, 2], [1, 2], [3, 1, 2, 4]])
        assert_eq(a, [3, 1, 2])
        assert_eq(["b", "a", "c"].sorted(), ["a", "b", "c"])
    end)
    it("join, contains, index_of, count, empty, len", fun ()
        assert_eq([1, "a", [2]].join("-"), "1-a-[2]")
        assert_eq([[1, 2].contains(2.0), [1, 2].index_of(2), [1, 2].index_of(5), [1, 1, 2].count(1)],
                  [true, 1, -1, 2])
        assert_eq([[].empty(), [1].empty(), [1, 2].len()], [true, false, 2])
    end)
    it("higher-order: map, filter, each, reduce, any, all, find, find_index", fun ()
        let a = [1, 2, 3, 4]
        assert_eq(a.map(fun (x) x * 2 end), [2, 4, 6, 8])
        assert_eq(a.filter(fun (x) x % 2 == 0 end), [2, 4])
        let seen = []
        a.each(fun (x) seen.push(x) end)
        a.each(fun (x, i) seen.push(i) end)
        assert_eq(seen, [1, 2, 3, 4, 0, 1, 2, 3])
        assert_eq(a.reduce(fun (acc, x) acc + x end, 0), 10)
        assert_eq([a.any(fun (x) x > 3 end), a.all(fun (x) x > 3 end)], [true, false])
        assert_eq([a.find(fun (x) x > 2 end), a.find(fun (x) x > 9 end)], [3, nil])
        assert_eq([a.find_index(fun (x) x > 2 end), a.find_index(fun (x) x > 9 end)], [2, -1])
    end)
    it("indexing: negatives from the end, out of range is IndexErr, floats truncate", fun ()
        let a = [10, 20, 30]
        assert_eq([a[0], a[-1], a[1.7]], [10, 30, 20])
        assert_raises(IndexErr, fun () a[3] end)
        assert_raises(IndexErr, fun () a[5] = 1 end)
        a[1] += 5
        assert_eq(a, [10, 25, 30])
    end)
    it("Array.new", fun ()
        assert_eq([Array.new(), Array.new(2), Array.new(2, 0)], [[], [nil, nil], [0, 0]])
        let shared = Array.new(2, [])
        shared[0].push(1)
        assert_eq(shared[1], [1])
    end)
end)

describe("Dict", fun ()
    it("len, keys, values, contains, get", fun ()
        let d = {a: 1, b: 2}
        assert_eq([d.len(), d.keys(), d.values(), d.contains("a"), d.contains("z")],
                  [2, ["a", "b"], [1, 2], true, false])
        assert_eq([d.get("a"), d.get("z"), d.get("z", 0)], [1, nil, 0])
    end)
    it("set and remove return new dicts; indexing assigns in place", fun ()
        let d = {a: 1}
        let e = d.set("b", 2)
        assert_eq([d.len(), e.len(), e.remove("a"), d], [1, 2, {b: 2}, {a: 1}])
        d["c"] = 3
        assert_eq(d, {a: 1, c: 3})
        assert_eq(d["missing"], nil)
        d[1] = "one"
        assert_eq(d["1"], "one")
    end)
    it("clone and each(k, v)", fun ()
        let d = {a: 1}
        let c = d.clone()
        c["b"] = 2
        assert_eq(d, {a: 1})
        let pairs = []
        c.each(fun (k, v) pairs.push(k .. v) end)
        assert_eq(pairs, ["a1", "b2"])
    end)
    it("d.key reads a key; d.name(args) calls a stored function (§15)", fun ()
        let d = {index: 3, f: fun (x) x + 1 end, len: 99}
        assert_eq([d.index, d.missing, d.f(1), d.len()], [3, nil, 2, 3])
    end)
end)

describe("Bytes", fun ()
    it("len, get, slice, decode, to_array, indexing", fun ()
        let b = b"hi!"
        assert_eq([b.len(), b.get(0), b.slice(0, 2), b.to_array(), b[-1]],
                  [3, 104, b"hi", [104, 105, 33], 33])
        assert_eq([b.decode(), b.decode("hex"), b.decode("ascii")], ["hi!", "686921", "hi!"])
        assert_raises(IndexErr, fun () b.get(9) end)
        assert_raises(IndexErr, fun () b.slice(2, 1) end)
        assert_raises(ValueErr, fun () b"\xff".decode() end)
    end)
end)

describe("Set", fun ()
    it("membership, add, remove, discard, pop, clear", fun ()
        let s = Set.new([1, 2, 2, "a"])
        assert_eq([s.len(), s.contains(2), s.contains(5), s.empty()], [3, true, false, false])
        s.add(7)
        s.discard(1)
        s.discard(100)
        assert_eq(s.sorted(), [2, 7, "a"])
        assert_raises(KeyErr, fun () s.remove(100) end)
        assert_raises(TypeErr, fun () Set.new([[1]]) end)
        assert(Set.new([true, 1]).len() == 2)
    end)
    it("set algebra makes new sets", fun ()
        let a = Set.new([1, 2, 3])
        let b = Set.new([2, 3, 4])
        assert_eq([a.union(b).to_array(), a.intersection(b).to_array(), a.difference(b).to_array(),
                   a.symmetric_difference(b).to_array()], [[1, 2, 3, 4], [2, 3], [1], [1, 4]])
        assert_eq([Set.new([2]).is_subset(a), a.is_superset(Set.new([1])), a.is_disjoint(b)],
                  [true, true, false])
        assert_eq(a.str(), "Set{1, 2, 3}")
    end)
end)

describe("Decimal and BigInt", fun ()
    it("Decimal", fun ()
        let d = Decimal.new("1.10")
        assert_eq(d.plus(Decimal.new("2.2")).to_string(), "3.30")
        assert_eq([Decimal.zero().to_f64(), Decimal.one().to_f64(), Decimal.from_f64(0.5).to_f64()],
                  [0.0, 1.0, 0.5])
        assert_eq(Decimal.new("2.5").round().to_string(), "3")
        assert_eq([Decimal.new("-2.5").floor().to_string(), Decimal.new("2.1").ceil().to_string()],
                  ["-3", "3"])
        assert(Decimal.new("1").lt(Decimal.new("2")))
    end)
    it("BigInt", fun ()
        let a = BigInt.new("123456789012345678901234567890")
        assert(a.plus(1n).equals(BigInt.new("123456789012345678901234567891")))
        assert_eq([10n.div(3n).to_int(), 10n.mod(3n).to_int(), 2n.pow(10).to_int()], [3, 1, 1024])
        assert_eq([7n.is_odd(), 8n.is_even(), 0n.is_zero(), BigInt.new("-1").is_negative(),
                   5n.is_positive()], [true, true, true, true, true])
        # Ref: unary minus turns a BigInt into a Float
        assert_eq((-1n).cls(), "Float")
        assert_eq([BigInt.from_int(5).to_string(), 255n.bit_length(), 6n.bit_and(3n).to_int()],
                  ["5", 8, 2])
        assert_eq(BigInt.from_bytes(b"\x01\x00").to_int(), 256)
        assert_eq(10n.divmod(3n).map(fun (x) x.to_int() end), [3, 1])
        assert_eq([ONE.to_int(), TEN.to_int(), ZERO.to_int(), TWO.to_int()], [1, 10, 0, 2])
    end)
end)

describe("functions", fun ()
    it("_name, _doc, str", fun ()
        fun documented() "Does things." 1 end
        fun plain() 1 end
        let anon = fun () 1 end
        assert_eq([documented._name(), documented._doc(), plain._doc(), anon._doc()],
                  ["documented", "Does things.", "User-defined function: plain", "Anonymous function"])
        assert_eq([plain.str(), anon.str(), plain.cls(), puts.cls()],
                  ["<fun plain>", "<fun <anonymous>>", "UserFun", "Fun"])
    end)
end)
