# §8 Types, traits, structs
use "std/test" {module, describe, it, assert_eq, assert, assert_raises}

module("§8 Types, traits, structs")

type Point
    "A point in the plane."
    pub x: Num
    pub y: Num = 0
    label: Str?
    tags = []

    fun norm2() self.x * self.x + self.y * self.y end
    fun moved(dx) Point.new(x: self.x + dx, y: self.y) end
    fun label_or(d) self.label ?: d end
    fun self.origin() Point.new(x: 0, y: 0) end
    static fun unit() Point.new(x: 1, y: 1) end
end

describe("fields and construction", fun ()
    it("named construction: defaults, optional nil, missing required is ArgErr", fun ()
        let p = Point.new(x: 3)
        assert_eq([p.x, p.y, p.label_or("none")], [3, 0, "none"])
        assert_raises(ArgErr, fun () Point.new(y: 1) end)
        assert_eq(Point.new(x: 1, unknown: 5).x, 1)
    end)
    it("no arguments works only when every field has a default or is optional", fun ()
        type Opt a: Int? b = 2 end
        let o = Opt.new()
        assert_eq(o.str(), "Opt{ a: nil, b: 2 }")
        assert_raises(ArgErr, fun () Point.new() end)
    end)
    it("a single Dict argument is treated like named arguments", fun ()
        assert_eq(Point.new({x: 7, y: 8}).y, 8)
    end)
    it("positional construction in declaration order", fun ()
        type Pair pub a pub b end
        let p = Pair.new(1, 2)
        assert_eq([p.a, p.b], [1, 2])
        assert_raises(ArgErr, fun () Pair.new(1, 2, 3) end)
        assert_raises(ArgErr, fun () Pair.new(1) end)
        type Trail pub a pub b: Int? end
        assert_eq(Trail.new(5).b, nil)
    end)
    it("values are checked against built-in annotations; nil allowed for ?", fun ()
        assert_raises(TypeErr, fun () Point.new(x: "three") end)
        assert_eq(Point.new(x: 1, label: nil).label_or("n"), "n")
        assert_raises(TypeErr, fun () Point.new(x: 1, label: 5) end)
    end)
    it("Array and Dict defaults are copied per instance", fun ()
        type Bag items = [] meta = {} fun add(x) self.items.push(x) end fun size() self.items.len() end end
        let a = Bag.new()
        let b = Bag.new()
        a.add(1)
        assert_eq([a.size(), b.size()], [1, 0])
    end)
    it("unknown annotation types are NameErr when the type statement runs", fun ()
        assert_raises(NameErr, fun ()
            type Broken f: Missing end
        end)
    end)
end)

describe("privacy and mutation", fun ()
    it("private fields cannot be read from outside; pub fields can", fun ()
        let p = Point.new(x: 1, label: "L")
        assert_eq(p.x, 1)
        assert_raises(AttrErr, fun () p.label end)
        assert_eq(p.label_or("d"), "L")
    end)
    it("instances are mutable references; assignment needs an existing field", fun ()
        let p = Point.new(x: 1)
        let alias = p
        alias.x = 10
        alias.y += 5
        assert_eq([p.x, p.y], [10, 5])
        assert_raises(AttrErr, fun () p.z = 1 end)
    end)
    it("Ref: writes are not privacy-checked", fun ()
        let p = Point.new(x: 1)
        p.label = "set from outside"
        assert_eq(p.label_or("d"), "set from outside")
    end)
end)

describe("methods", fun ()
    it("instance methods see self; fields only through self.", fun ()
        assert_eq(Point.new(x: 3, y: 4).norm2(), 25)
        assert_eq(Point.new(x: 1).moved(2).x, 3)
    end)
    it("static methods: fun self.name and static fun", fun ()
        assert_eq(Point.origin().x, 0)
        assert_eq(Point.unit().y, 1)
    end)
    it("a field holding a function is called when no method has its name", fun ()
        type Box pub f fun real() "method" end end
        let b = Box.new(fun (x) x * 2 end)
        assert_eq(b.f(21), 42)
        assert_eq(b.real(), "method")
        assert_raises(AttrErr, fun () b.missing() end)
    end)
    it("a struct with _call is callable", fun ()
        type Adder n fun _call(x) x + self.n end end
        let add5 = Adder.new(5)
        assert_eq(add5(1), 6)
    end)
    it("the built-in constructor always wins over a user fun self.new (Ref)", fun ()
        type Odd pub v fun self.new(x) "user new" end end
        assert_eq(Odd.new(v: 3).v, 3)
    end)
end)

describe("traits and impl", fun ()
    it("impl must provide each trait method with the same parameter count", fun ()
        trait Shape
            fun area()
            fun scale(by)
        end
        type Sq
            pub side
            impl Shape
                fun area() self.side * self.side end
                fun scale(by) Sq.new(side: self.side * by) end
            end
        end
        assert_eq(Sq.new(side: 3).scale(2).area(), 36)
        assert(Sq.new(side: 1).does(Shape))
        assert_raises(TypeErr, fun ()
            type Bad impl Shape fun area() 1 end end end
        end)
        assert_raises(TypeErr, fun ()
            type Bad2 impl Shape fun area(x) 1 end fun scale(by) 1 end end end
        end)
    end)
    it("impl of something that is not a trait", fun ()
        assert_raises(AttrErr, fun ()
            type NotTrait end
            type Bad impl NotTrait fun f() 1 end end end
        end)
    end)
end)

describe("introspection", fun ()
    it("is, does, cls", fun ()
        let p = Point.new(x: 1)
        assert(p.is(Point))
        assert(p.is("point"))
        assert(5.is(Int))
        assert("s".is("Str"))
        assert(not 5.is(Float))
        assert_eq(p.cls(), "Point")
        assert(nil.is(Nil))
    end)
    it("_doc: docstring or the generated field listing", fun ()
        assert_eq(Point._doc(), "A point in the plane.")
        type Plain x: Num y: Num? end
        assert_eq(Plain._doc(), "Type definition: Plain\nFields:\n  Num: x\n  Num?: y")
    end)
    it("str forms of types, traits and instances", fun ()
        trait T fun f() end
        assert_eq(Point.str(), "type Point")
        assert_eq(Point._rep(), "type Point")
        assert_eq(T.str(), "trait T")
        assert_eq(ValueErr.str(), "ValueErr")
        type Two pub a pub b end
        assert_eq(Two.new(1, "x").str(), "Two{ a: 1, b: x }")
    end)
    it("printing a struct never calls a user-defined str()", fun ()
        type Custom pub v fun str() "custom" end end
        let c = Custom.new(1)
        assert_eq(c.str(), "custom")
        assert_eq("" .. c, "Custom{ v: 1 }")
    end)
end)
