"""CONCURRENCY.md §2 (scopes) and §3 (tasks)."""

from async_runner import error_report, output, run_async


def test_scope_exit_cancels_children_runs_their_ensure_and_records_a_leak():
    out, interp = run_async('''
        use "std/async"
        let log = []
        async fun parent()
            async.spawn(fun ()
                try
                    await async.sleep(100)
                    log.push("never")
                ensure
                    log.push("child ensure")
                end
            end, name: "sleeper")
            await async.sleep(1)
            log.push("parent done")
        end
        await parent()
        puts(log)
    ''')
    assert out == "[parent done, child ensure]\n"
    leaks = interp.diagnostics.leaks
    assert [(l.task_id, l.name, l.scope, str(l.site)) for l in leaks] == [
        (1, "sleeper", "parent() called at prog.q:15", "prog.q:4")]
    assert leaks[0].waiting_on == "sleep, 99 s left at prog.q:6"
    assert leaks[0].cancelled_by == "the end of parent() called at prog.q:15"
    assert leaks[0].age == 1


def test_an_unobserved_failure_is_raised_at_scope_exit():
    report = error_report('''
        use "std/async"
        async fun parent()
            async.spawn(fun () raise ValueErr.new("lost?") end)
            await async.sleep(1)
            "finished"
        end
        await parent()
    ''')
    assert report.startswith("prog.q:3:24: ValueErr: lost?\n")


def test_several_unobserved_failures_are_a_task_group_error():
    assert output('''
        use "std/async"
        async fun parent()
            async.spawn(fun () raise ValueErr.new("one") end)
            async.spawn(fun () raise KeyErr.new("two") end)
            await async.sleep(1)
        end
        try
            await parent()
        catch async.TaskGroupError as g
            puts(g.message(), ": ", g.errors().map(fun (e) e.type().str() end))
        end
    ''') == "2 tasks failed: [ValueErr, KeyErr]\n"


def test_an_observed_error_is_not_raised_again_and_cancellation_is_not_failure():
    assert output('''
        use "std/async"
        async fun parent()
            let t = async.spawn(fun () raise ValueErr.new("seen") end)
            try await t catch e puts("observed ", e.message()) end
            let c = async.spawn(fun () await async.sleep(10) end)
            c.cancel()
            await async.sleep(1)
            "ok"
        end
        puts(await parent())
    ''') == "observed seen\nok\n"


def test_spawn_from_a_sync_helper_attaches_to_the_innermost_async_scope():
    out, interp = run_async('''
        use "std/async"
        async fun work(id) await async.sleep(id) id end
        async fun fetch_all()
            let tasks = [1, 2, 3].map(fun (id) async.spawn(fun () work(id) end) end)
            await async.join_all(tasks)
        end
        puts(await fetch_all())
    ''')
    assert out == "[1, 2, 3]\n"
    assert interp.diagnostics.leaks == []


def test_explicit_nursery_waits_and_fails_fast():
    assert output('''
        use "std/async"
        let log = []
        await async.nursery(fun (n)
            n.spawn(fun () await async.sleep(2) log.push("slow") end)
            n.spawn(fun () await async.sleep(1) log.push("fast") end)
        end)
        puts(log)
        try
            await async.nursery(fun (n)
                n.spawn(fun () await async.sleep(100) log.push("cancelled sibling ran") end)
                n.spawn(fun () await async.sleep(1) raise ValueErr.new("child failed") end)
            end)
        catch e: ValueErr
            puts("nursery raised ", e.message())
        end
        let t = nil
        await async.nursery(fun (n)
            t = async.spawn(fun () await async.sleep(1) "via scope:" end, scope: n)
        end)
        puts(t.try_unwrap(), " ", log)
    ''') == "[fast, slow]\nnursery raised child failed\nvia scope: [fast, slow]\n"


def test_task_ids_names_and_states():
    assert output('''
        use "std/async"
        let a = async.spawn(fun () await async.sleep(1) "a" end, name: "worker-1")
        let b = async.spawn(fun () 2 end)
        puts(a.id, " ", b.id, " ", a.name, " ", b.name, " ", a.is_finished(), " ", a.try_unwrap())
        await async.join_all([a, b])
        puts(a.is_finished(), " ", a.try_unwrap(), " ", await a, " ", await a, " ", a.str())
    ''') == "1 2 worker-1 nil false nil\ntrue a a a <Task 1 worker-1 finished>\n"


def test_cancel_abort_and_is_cancelled():
    assert output('''
        use "std/async"
        let log = []
        let t = async.spawn(fun ()
            try await async.sleep(10) ensure log.push("cleanup") end
        end)
        await async.sleep(1)  # the task is asleep now
        t.cancel()
        puts(t.is_cancelled(), " ", t.is_finished())
        try await t catch async.CancelledError as e puts("await: ", e.type(), " ", log) end
        let done = async.spawn(fun () 1 end)
        await done
        done.cancel()
        puts(done.is_cancelled(), " ", await done)
        let slow = async.spawn(fun () try await async.sleep(10) ensure await async.sleep(5) end end)
        await async.sleep(1)
        slow.abort()
        try await slow catch async.CancelledError puts("aborted at once: ", slow.is_finished()) end
        await async.sleep(6)
        puts(slow.is_finished())
    ''') == ("true false\nawait: CancelledError [cleanup]\nfalse 1\n"
             "aborted at once: false\ntrue\n")


def test_try_unwrap_raises_the_error_of_a_failed_task():
    assert output('''
        use "std/async"
        let t = async.spawn(fun () raise KeyErr.new("k") end)
        await async.yield_now()
        await async.yield_now()
        try t.try_unwrap() catch e: KeyErr puts("unwrap raised ", e.message()) end
    ''') == "unwrap raised k\n"


def test_is_cancelled_inside_a_task_and_yield_now():
    assert output('''
        use "std/async"
        let seen = []
        let t = async.spawn(fun ()
            let i = 0
            while i < 1000000
                if async.is_cancelled()
                    seen.push("noticed at " .. i)
                    return nil
                end
                if i % 10 == 0 await async.yield_now() end
                i = i + 1
            end
        end)
        await async.yield_now()
        t.cancel()
        await async.sleep(1)
        puts(seen.len() <= 1, " ", t.is_finished(), " ", async.is_cancelled())
    ''') == "true true false\n"


def test_task_local_values_are_inherited_at_spawn_time():
    assert output('''
        use "std/async"
        let user = async.local("nobody")
        user.set("ann")
        let t = async.spawn(fun ()
            let before = user.get()
            user.set("child")
            return [before, user.get()]
        end)
        user.set("bob")
        puts(await t, " ", user.get())
    ''') == "[ann, child] bob\n"


def test_catch_never_catches_cancellation():
    assert output('''
        use "std/async"
        let log = []
        let t = async.spawn(fun ()
            try
                await async.sleep(10)
            catch e
                log.push("caught " .. e.type())
            ensure
                log.push("ensure")
            end
            log.push("after try")
        end)
        await async.sleep(1)
        t.cancel()
        await async.sleep(1)
        puts(log, " ", t.is_cancelled())
    ''') == "[ensure] true\n"


def test_leftover_tasks_at_program_end_are_cancelled_and_reported():
    out, interp = run_async('''
        use "std/async"
        async.spawn(fun () while true await async.sleep(1) end end, name: "monitor")
        await async.sleep(3)
        puts("main done")
    ''')
    assert out == "main done\n"
    assert [(l.name, l.scope) for l in interp.diagnostics.leaks] == [("monitor", "the module")]


def test_a_long_lived_scope_forgets_ended_children_but_not_unobserved_failures():
    # A server loop spawns a task per request: the scope must not keep them all.
    seen = []

    async def watch(bridge):
        import trio

        await trio.sleep(5)
        seen.append(len(bridge.root.children))

    source = '''
        use "std/async"
        let keep = async.spawn(fun () await async.sleep(100) end)
        async.spawn(fun () raise "nobody awaited me" end)
        let i = 0
        while i < 1000
            async.spawn(fun () await async.sleep(0.001) end)
            await async.sleep(0.002)
            i = i + 1
        end
        await async.sleep(10)
        keep.cancel()
    '''
    try:
        run_async(source, watch=watch)
    except Exception as exc:  # noqa: BLE001 - the unobserved failure, raised at the end
        assert str(exc) == "RuntimeErr: nobody awaited me"
    else:
        raise AssertionError("the unobserved failure was lost")
    assert seen and seen[0] < 70   # the sleeper, the failure, and ended ones not yet forgotten
