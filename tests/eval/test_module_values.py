"""A module is a value like any other (LANGUAGE.md §11, §13): it prints, has a
_rep and a str, and asking it for a Python protocol name (what getattr/hasattr
do behind puts or the REPL) is not an internal error."""

import pytest

from quest_runner import run
from trioquest.stdlib import STD_MODULES, binding_name

STD = sorted(STD_MODULES)

PROGRAM = '''use "{path}"
puts({name})
puts({name}._rep())
puts({name}.str())
puts({name}.cls(), " ", {name}.is("Module"), " ", [{name}], " ", {{"m": {name}}}, " ", f"<{{{name}}}>")
puts({name}.nope)
'''


def _expected(name: str) -> str:
    m = f"<module {name}>"
    return f"{m}\n{m}\n{m}\nModule true [{m}] {{m: {m}}} <{m}>\n"


@pytest.mark.parametrize("path", STD)
def test_every_std_module_prints_and_has_a_rep(path):
    name = binding_name(path)
    out, err, status = run(PROGRAM.format(path=path, name=name))
    assert out == _expected(name)
    assert err.startswith(f"-c:6:6: AttrErr: Module {name} has no public member 'nope'\n")
    assert status == 1


@pytest.mark.parametrize("path", ["std/math", "std/async"])
def test_a_module_in_a_program_file(path, tmp_path):
    name = binding_name(path)
    out, err, status = run(PROGRAM.format(path=path, name=name), tmp_path=tmp_path)
    assert out == _expected(name)
    assert err.startswith(f"{tmp_path / 'main.q'}:6:6: AttrErr: Module {name} has no public "
                          "member 'nope'\n")
    assert status == 1


def test_a_module_bound_to_a_variable_or_passed_around(tmp_path):
    (tmp_path / "geo.q").write_text("pub let origin = 0\n")
    out, err, status = run('''
        use "std/math"
        let m = math
        fun show(x) x._rep() end
        puts(show(m), " ", show(math), " ", m.str())
        puts(m.nope)
        ''', tmp_path=tmp_path)
    assert out == "<module math> <module math> <module math>\n"
    assert f"main.q:5:6: AttrErr: Module math has no public member 'nope'\n" in err
    assert status == 1


def test_a_user_module_has_the_same_forms(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "geo.q").write_text("pub let origin = 0\n")
    out, err, status = run('use "geo"\nputs(geo._rep(), " ", geo.str(), " ", [geo])\n',
                           tmp_path=tmp_path)
    assert (out, err, status) == ("<module geo> <module geo> [<module geo>]\n", "", 0)
