"""Modules (§11): use forms, search path, pub visibility, caching, cycles."""

import pytest

from quest_runner import run


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run_main(project, source, *args):
    (project / "main.q").write_text(source)
    from trioquest.cli import main
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["main.q", *args])
    return out.getvalue(), err.getvalue(), status


def test_use_forms_and_pub_visibility(project):
    (project / "geo.q").write_text(
        '"Geometry helpers."\n'
        "pub let origin = [0, 0]\nlet secret = 42\n"
        "pub fun double(x) x * 2 + secret - secret end\n"
        "pub const UNIT = 1\n")
    out, err, status = _run_main(project, '''
use "geo"
use "geo" as g
use "geo" {double, UNIT as one}
puts(geo.double(4), " ", g.origin, " ", double(5), " ", one, " ", geo._doc(), " ", geo)
puts(geo.secret)
''')
    assert out == "8 [0, 0] 10 1 Geometry helpers. <module geo>\n"
    assert "AttrErr: Module geo has no public member 'secret'" in err
    assert status == 1


def test_selective_import_of_a_private_name_is_an_import_error(project):
    (project / "m.q").write_text("let hidden = 1\n")
    out, err, status = _run_main(project, 'use "m" {hidden}\n')
    assert "ImportErr: Module 'm' has no public member 'hidden'" in err


def test_modules_run_once_and_share_state(project):
    (project / "counter.q").write_text(
        'puts("loading counter")\npub let count = 0\npub fun inc() count += 1 end\n')
    (project / "other.q").write_text('use "counter"\npub fun bump() counter.inc() end\n')
    out, err, status = _run_main(project, '''
use "counter"
use "other"
counter.inc()
other.bump()
puts(counter.count)
''')
    assert (out, status) == ("loading counter\n2\n", 0), err


def test_relative_paths_and_subdirectories(project):
    (project / "lib").mkdir()
    (project / "pkg").mkdir()
    (project / "pkg" / "a.q").write_text('use "./b"\npub fun name() "a+" .. b.name() end\n')
    (project / "pkg" / "b.q").write_text('use "../top"\npub fun name() "b+" .. top.name() end\n')
    (project / "top.q").write_text('pub fun name() "top" end\n')
    (project / "lib" / "libmod.q").write_text('pub let v = "from lib"\n')
    out, err, status = _run_main(project, 'use "pkg/a"\nuse "libmod"\nputs(a.name(), " ", libmod.v)\n')
    assert (out, status) == ("a+b+top from lib\n", 0), err


def test_quest_path_and_script_directory(project, tmp_path_factory, monkeypatch):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "far.q").write_text('pub let where = "far"\n')
    monkeypatch.setenv("QUEST_PATH", str(elsewhere))
    out, err, status = _run_main(project, 'use "far"\nputs(far.where)\n')
    assert (out, status) == ("far\n", 0), err


def test_circular_imports_are_import_errors(project):
    (project / "a.q").write_text('use "b"\n')
    (project / "b.q").write_text('use "a"\n')
    out, err, status = _run_main(project, 'use "a"\n')
    assert status == 1
    assert "ImportErr: Circular import: a.q -> b.q -> a.q" in err


def test_missing_module_and_top_level_return(project):
    (project / "early.q").write_text('pub let a = 1\nreturn\npub let b = 2\n')
    out, err, status = _run_main(project, 'use "early"\nputs(early.a)\nreturn\nputs("not reached")\n')
    assert (out, status) == ("1\n", 0), err


def test_argv_and_sys_module(project):
    out, err, status = _run_main(project, 'use "std/sys"\nputs(sys.argv, " ", sys.argc)\nsys.exit(3)\n',
                                 "x", "y")
    assert (out, status) == ("[main.q, x, y] 3\n", 3), err


def test_load_module_sees_every_name(project):
    (project / "all.q").write_text("let private_thing = 7\n")
    out, err, status = _run_main(project, 'use "std/sys"\nlet m = sys.load_module("all.q")\n'
                                          'puts(m.private_thing)\n')
    assert (out, status) == ("7\n", 0), err


def test_sys_eval_sees_the_callers_variables():
    out, err, status = run('''
        use "std/sys"
        let x = 20
        fun f(y) sys.eval("x + y + 2") end
        puts(f(20), " ", sys.eval("let z = 5 z * 2"))
        try
            sys.eval("0xGHI")
        catch e: SyntaxErr
            puts(e.type(), " ", e.message())
        end
    ''')
    assert (out, status) == ("42 10\nSyntaxErr invalid hexadecimal literal '0xGHI'\n", 0), err


def test_a_module_whose_top_level_awaits(project):
    (project / "helper.q").write_text(
        'use "std/async"\n'
        "pub let ready = await async.timeout(async.sleep(0), 1) == nil\n"
        "pub async fun twice(x) await async.sleep(0) x * 2 end\n"
        'puts("helper loaded")\n')
    # From an async program, the task running the `use` awaits it (one Trio run).
    out, err, status = _run_main(project, 'use "std/async"\nuse "helper"\n'
                                          "puts(helper.ready, \" \", await helper.twice(21))\n")
    assert (out, err, status) == ("helper loaded\ntrue 42\n", "", 0)
    # From a sync program, it runs to completion on its own.
    out, err, status = _run_main(project, 'use "helper" {ready}\nputs(ready)\n')
    assert (out, err, status) == ("helper loaded\ntrue\n", "", 0)


def test_load_module_of_an_async_module_from_async_code_says_to_use_use(project):
    (project / "helper.q").write_text('use "std/async"\npub let x = 1\n')
    out, err, status = _run_main(project, 'use "std/async"\nuse "std/sys"\n'
                                          'let h = sys.load_module("helper.q")\n')
    assert status == 1
    assert err.startswith("main.q:3:9: RuntimeErr: The top level of helper.q is async: "
                          "load it with 'use' in async code\n")


def test_a_module_file_that_is_not_utf8_is_an_import_error(tmp_path):
    import subprocess
    import sys

    (tmp_path / "bad.q").write_bytes(b'pub fun f() "caf\xe9" end\n')
    (tmp_path / "main.q").write_text('\nuse "bad"\nputs(bad.f())\n')
    done = subprocess.run([sys.executable, "-m", "trioquest", "main.q"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        f"main.q:2:1: ImportErr: Cannot read '{tmp_path / 'bad.q'}': not UTF-8 text "
        "(byte 0xe9 on line 1)")
