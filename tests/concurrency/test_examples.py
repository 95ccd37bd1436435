"""QEP-027 examples 2, 4 and 5 run as written (examples/), under a mock clock
(Example 2 with one documented change: see its header).

Trio randomises the order of tasks woken together, so where the QEP's own
code lets several tasks race, the tests check what the program guarantees
(every item once, producer order, who finishes) rather than one interleaving.
"""

from pathlib import Path

from async_runner import run_async

EXAMPLES = Path(__file__).parents[2] / "examples"
QEP027 = Path(__file__).parents[1] / "qep027"   # the QEP's code blocks as written


def run(name):
    return run_async((EXAMPLES / name).read_text(), dedent=False)


def test_example_2_background_task_with_progress_updates():
    out, interp = run("qep_example2_progress.q")
    # `total` is a Float (the one change to the QEP's code): the real percentages
    assert out == ("Processed a.txt (25%)\nProcessed b.txt (50%)\nProcessed c.txt (75%)\n"
                   "Processed d.txt (100%)\nDone!\n")
    assert interp.diagnostics.leaks == []


def test_example_2_differs_from_the_qep_in_one_line_only():
    qep = (QEP027 / "14_example_2_background_task_with_progress_updates.q").read_text()
    example = (EXAMPLES / "qep_example2_progress.q").read_text()
    body = example[example.index("async fun process_files"):example.index("async.block_on")]
    assert body.strip().replace("files.len().to_f64()", "files.len()") == qep[
        qep.index("async fun process_files"):].strip()


def test_example_4_producer_consumer():
    out, interp = run("qep_example4_producer_consumer.q")
    lines = out.splitlines()
    items = [f"task{i}" for i in range(1, 6)]
    assert [x for x in lines if x.startswith("Producing")] == [f"Producing: {t}" for t in items]
    processed = [x.split(": ")[1] for x in lines if " processing: " in x]
    assert sorted(processed) == items
    for t in items:  # each item is processed after it was produced
        assert lines.index(f"Producing: {t}") < next(
            i for i, x in enumerate(lines) if x.endswith(f"processing: {t}"))
    assert sorted(x for x in lines if x.startswith("Consumer") and x.endswith("finished")) == [
        "Consumer 1 finished", "Consumer 2 finished", "Consumer 3 finished"]
    assert "Producer finished" in lines and lines[-1] == "All done!"
    assert interp.diagnostics.leaks == []


def test_example_5_select_on_multiple_channels():
    out, interp = run("qep_example5_select.q")
    lines = out.splitlines()
    assert len(lines) == 20
    by_kind = {}
    for line in lines:
        kind, value = line.rstrip("%").split(": ")
        by_kind.setdefault(kind, []).append(int(value))
    # cpu every 1 s, memory every 2 s, disk every 5 s: about 12 s of monitoring.
    assert by_kind["cpu"] == [11 + 10 * i for i in range(len(by_kind["cpu"]))]
    assert by_kind["memory"] == [12 + 10 * i for i in range(len(by_kind["memory"]))]
    assert by_kind["disk"] == [13 + 10 * i for i in range(len(by_kind["disk"]))]
    assert (len(by_kind["cpu"]), len(by_kind["memory"]), len(by_kind["disk"])) == (12, 6, 2)
    # The endless monitors are cancelled when monitor_system's scope ends.
    assert sorted(leak.task_id for leak in interp.diagnostics.leaks) == [1, 2, 3]
