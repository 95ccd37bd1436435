"""End-to-end: small programs and their exact output."""

from quest_runner import output, run


def test_values_print_in_their_string_forms():
    assert output('''
        puts(1, " ", 2.5, " ", 5.0, " ", "s", " ", true, " ", nil, " ", [1, "a", [2.0]])
        puts({b: 1, a: "x"}, " ", b"A\\x00", " ", 1e20, " ", 1e-7, " ", -0.0, " ", 12n)
    ''') == "1 2.5 5 s true nil [1, a, [2]]\n{a: x, b: 1} b\"A\\x00\" 100000000000000000000 0.0000001 -0 12\n"


def test_arithmetic_follows_quest():
    assert output('puts(7 / 2, " ", -7 / 2, " ", -7 % 3, " ", 7 % -3, " ", 2 ** 10, " ", '
                  '2 ** -1, " ", 10 / 4.0, " ", "2" + 3, " ", "ab" * 2, " ", -2 ** 2)') == \
        "3 -3 -1 1 1024 0.5 2.5 5 abab -4\n"


def test_equality_and_ordering():
    assert output('puts(1 == 1.0, " ", true == 1, " ", "1" == 1, " ", [1, [2]] == [1, [2]], " ", '
                  '0.1 + 0.2 == 0.3, " ", nil < 0, " ", true < 1, " ", "a" < "b", " ", 1 < "a", '
                  '" ", [1] < [2], " ", [1] <= [2])') == \
        "true false false true true true true true true false true\n"


def test_closures_capture_per_iteration_and_by_reference():
    assert output('''
        let fns = []
        for i in 1 to 3
            let j = i * 10
            fns.push(fun () i + j end)
        end
        puts(fns.map(fun (f) f() end))
        let count = 0
        fun inc() count += 1 end
        inc() inc()
        puts(count)
        fun later() value end
        let value = 5
        puts(later())
    ''') == "[11, 22, 33]\n2\n5\n"


def test_block_scopes_shadow_and_end():
    assert output('''
        let x = 1
        if true
            let x = 2
            puts(x)
        end
        puts(x)
    ''') == "2\n1\n"


def test_user_types_methods_and_privacy():
    out, err, status = run('''
        type Point
            pub x: Num
            y: Num = 0
            fun norm2() self.x * self.x + self.y * self.y end
            fun self.origin() Point.new(x: 0) end
        end
        let p = Point.new(x: 3, y: 4)
        puts(p.norm2(), " ", p.x, " ", Point.origin(), " ", p.cls())
        puts(p.y)
    ''')
    assert out == "25 3 Point{ x: 0, y: 0 } Point\n"
    assert status == 1
    assert err.startswith("-c:9:6: AttrErr: Field 'y' of Point is private\n")


def test_uncaught_error_report():
    out, err, status = run('''
        fun check(n)
            if n < 0
                raise ValueErr.new("negative: " .. n)
            end
            n
        end
        check(-1)
    ''')
    assert status == 1
    assert err == (
        "-c:3:9: ValueErr: negative: -1\n"
        "Quest stack (innermost last):\n"
        "  at <module> (-c:7)\n"
        "  at check (-c:3)\n"
        '            raise ValueErr.new("negative: " .. n)\n'
        "            ^\n")
