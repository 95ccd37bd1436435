"""std/encoding/json."""

from quest_runner import output, run


def test_parse_maps_json_to_quest_values():
    assert output('''
        use "std/encoding/json"
        let v = json.parse("{\\"a\\": [1, 2.5, null, true], \\"b\\": {\\"c\\": \\"x\\"}}")
        puts(v, " ", v["a"][0].cls(), " ", v["a"][1].cls(), " ", v.b.c)
        puts(json.try_parse("{oops"), " ", json.is_valid("[1]"), " ", json.is_valid("nope"),
             " ", json.is_valid("null"))
    ''') == "{a: [1, 2.5, nil, true], b: {c: x}} Int Float x\nnil true false true\n"


def test_stringify_compact_and_pretty():
    assert output('''
        use "std/encoding/json"
        type P pub x pub y z end
        let v = {b: [1, 2.5, nil], a: "é\\"", big: 12n, raw: b"hi", p: P.new(1, 2, 3)}
        puts(json.stringify(v))
        puts(json.stringify_pretty({b: 1, a: [true]}))
    ''') == ('{"a":"é\\"","b":[1,2.5,null],"big":"12","p":{"x":1,"y":2},"raw":"aGk="}\n'
             '{\n  "a": [\n    true\n  ],\n  "b": 1\n}\n')


def test_errors():
    out, err, status = run('use "std/encoding/json"\njson.parse("{\\"a\\": }")\n')
    assert "ValueErr: Invalid JSON at line 1, column 7: Expecting value" in err
    out, err, status = run('use "std/encoding/json"\njson.stringify(fun () 1 end)\n')
    assert "TypeErr: Cannot write a UserFun as JSON" in err
