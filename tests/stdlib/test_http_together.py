"""std/http/client and std/http/server in one program (issue #11 item 1):
both bind `http`, in either order, with or without `as`, and the program
can serve and request from itself over loopback (one run, MockClock)."""

from __future__ import annotations

import pytest

from async_runner import error_report, run_async

BODY = '''
use "std/async"
let server = {server}.server("127.0.0.1:0")
let serving = async.spawn(fun ()
    server.serve(fun (request) {{"body": "hello " .. request.path}} end)
end, name: "serving")
let r = await {client}.get(f"http://127.0.0.1:{{server.port()}}/from-the-client")
puts(r.status(), " ", r.content_type(), " ", await r.text())
server.close()
await serving
puts("done")
'''

EXPECTED = "200 text/plain; charset=utf-8 hello /from-the-client\ndone\n"


@pytest.mark.parametrize("uses, server, client", [
    ('use "std/http/client"\nuse "std/http/server"', "http", "http"),
    ('use "std/http/server"\nuse "std/http/client"', "http", "http"),
    ('use "std/http/client" as http\nuse "std/http/server"', "http", "http"),
    ('use "std/http/server"\nuse "std/http/client" as http', "http", "http"),
    ('use "std/http/server" as http\nuse "std/http/client" as http', "http", "http"),
    ('use "std/http/server" as srv\nuse "std/http/client" as cli', "srv", "cli"),
    ('use "std/http/server"\nuse "std/http/client" as cli', "http", "cli"),
    ('use "std/http"\nuse "std/http/client"\nuse "std/http/server"', "http", "http"),
])
def test_client_and_server_in_one_program(uses, server, client):
    out, interp = run_async(uses + "\n" + BODY.format(server=server, client=client))
    assert out == EXPECTED
    assert interp.diagnostics.leaks == []


def test_both_in_a_function_scope():
    out, _ = run_async('''
        use "std/async"
        async fun main()
            use "std/http/server"
            use "std/http/client"
            let server = http.server("127.0.0.1:0")
            let serving = async.spawn(fun () server.serve(fun (r) {"body": "ok"} end) end)
            puts(await (await http.get(f"http://127.0.0.1:{server.port()}/")).text())
            server.close()
            await serving
        end
        await main()
        ''')
    assert out == "ok\n"


def test_the_same_module_twice_is_the_same_module():
    out, _ = run_async('''
        use "std/http/client"
        use "std/http/server"
        use "std/http/server"
        use "std/math"
        use "std/math"
        puts(http, " ", math.floor(2.5))
        ''')
    assert out == "<module http> 2\n"


@pytest.mark.parametrize("source, first_line", [
    # another value under the name `http` is still a redeclaration
    ('use "std/http/client"\nlet http = 1\n', "prog.q:2:5: NameErr: Variable 'http'"),
    ('let http = 1\nuse "std/http/client"\n', "prog.q:2:1: NameErr: Variable 'http'"),
    ('use "std/math" as http\nuse "std/http/client"\n', "prog.q:2:1: NameErr: Variable 'http'"),
    ('use "std/http/client"\nuse "std/math" as http\n', "prog.q:2:1: NameErr: Variable 'http'"),
    # selective imports bind members, which are not modules
    ('use "std/http/client" {get}\nuse "std/http/server" {get}\n',
     "prog.q:2:1: NameErr: Variable 'get'"),
])
def test_other_bindings_of_the_name_are_still_redeclarations(source, first_line):
    assert error_report(source).splitlines()[0] == (
        first_line + " is already declared in this scope")
