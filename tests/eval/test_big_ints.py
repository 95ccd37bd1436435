"""Int is unbounded: every conversion between Int and text works at any size
(CPython's 4,300-digit limit is lifted for Quest programs)."""

from quest_runner import output

DIGITS = "1" + "0" * 4999 + "7"   # 10 ** 5000 + 7, written without str(int)


def test_puts_str_and_concat_of_a_huge_int():
    assert output('''
        let x = 10 ** 5000 + 7
        puts(x)
        puts(x.str().len())
        puts(("" .. x).len(), " ", x.to_string().len())
    ''') == f"{DIGITS}\n5001\n5001 5001\n"


def test_fstrings_and_format_specs_of_a_huge_int():
    assert output('''
        let x = 10 ** 5000 + 7
        puts(f"{x}".len(), " ", f"{x:>6000}".len(), " ", f"{x:+d}".len(), " ", "{}".fmt(x).len())
    ''') == f"5001 6000 5002 5001\n"


def test_json_of_a_huge_int_both_ways():
    assert output('''
        use "std/encoding/json"
        let x = 10 ** 5000 + 7
        let text = json.stringify([x])
        puts(text.len(), " ", json.parse(text)[0] == x)
    ''') == "5003 true\n"


def test_literals_and_parsing_of_long_digit_strings():
    literal = "1" * 6000
    assert output(f'''
        let x = {literal}
        let y = {literal}n
        puts(y.str() == "{literal}", " ", x % 1000, " ", "{literal}".to_int() == x, " ", x.str() == "{literal}")
    ''') == "true 111 true true\n"
