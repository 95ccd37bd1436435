"""std/os: environment variables, the working directory, directories."""

from quest_runner import output, run


def test_environment_variables(monkeypatch):
    monkeypatch.setenv("TQ_SET", "yes")
    monkeypatch.delenv("TQ_UNSET", raising=False)
    out = output('''
        use "std/os"
        puts(os.getenv("TQ_SET"), " ", os.getenv("TQ_UNSET"), " ", os.getenv("TQ_UNSET", "dflt"))
        os.setenv("TQ_UNSET", "now")
        puts(os.getenv("TQ_UNSET"), " ", os.environ()["TQ_UNSET"])
        os.unsetenv("TQ_UNSET")
        puts(os.getenv("TQ_UNSET") or "gone")
    ''')
    assert out == "yes nil dflt\nnow now\ngone\n"


def test_directories(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = output(f'''
        use "std/os"
        os.makedirs("a/b")
        os.mkdir("c")
        os.rename("c", "d")
        puts(os.listdir("."), " ", os.listdir("a"))
        os.rmdir("a/b")
        os.chdir("a")
        puts(os.getcwd() == "{tmp_path}/a", " ", os.listdir("."))
    ''')
    assert out == "[a, d] [b]\ntrue []\n"


def test_errors_name_the_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _, err, status = run('use "std/os"\nos.listdir("nope")\n')
    assert status == 1
    assert err.splitlines()[0] == "-c:2:1: IOErr: Cannot list 'nope': No such file or directory"
    _, err, _ = run('use "std/os"\nos.getenv(1)\n')
    assert err.splitlines()[0] == "-c:2:1: TypeErr: An environment variable name must be a Str"


def test_setenv_with_a_name_the_os_refuses():
    for name in ("", "A=B"):
        _, err, status = run(f'use "std/os"\nos.setenv("{name}", "x")\n')
        assert (status, err.splitlines()[0]) == (
            1, f"-c:2:1: ValueErr: Invalid environment variable name '{name}': it must not be "
               "empty or contain '='")


def test_getcwd_in_a_removed_directory(tmp_path, monkeypatch):
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    _, err, status = run('use "std/os"\nos.getcwd()\n')
    assert (status, err.splitlines()[0]) == (
        1, "-c:2:1: IOErr: Cannot get the current directory: No such file or directory")
