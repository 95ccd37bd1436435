"""Ctrl-C, SIGTERM and SIGHUP while a Trio run goes on (`trioquest.signals`).

Trio delivers Ctrl-C itself, at a safe point of the running code; the
command line's handlers for all three signals borrow that delivery for the
run, and the task tree is kept as it is when the first signal arrives.
"""

from __future__ import annotations

import contextlib
import signal
import threading

from .. import signals


@contextlib.contextmanager
def interrupts(bridge, sigint_before):
    """Ctrl-C, SIGTERM and SIGHUP during the run (`trioquest.signals`):
    keep the task tree as it is when the first arrives, then let Trio's own
    Ctrl-C handler deliver the KeyboardInterrupt (everything unwinds).
    `sigint_before` is SIGINT's handler before the run when the command
    line's handlers are in place (the run borrowed SIGINT so that Trio
    installs its handler); else only SIGINT is taken over, for the run."""
    trio_handler = None
    if threading.current_thread() is threading.main_thread():
        trio_handler = signal.getsignal(signal.SIGINT)
    if not callable(trio_handler) or trio_handler is signals.HANDLER:
        yield                        # Trio did not take SIGINT: not ours to take
        return

    def interrupt(frame):
        if bridge.diagnostics.at_interrupt is None:
            from .diagnostics import snapshot

            try:
                bridge.diagnostics.at_interrupt = snapshot(bridge, frame)
            except Exception:  # noqa: BLE001 - never let the report stop the interrupt
                bridge.diagnostics.at_interrupt = ()
        trio_handler(signal.SIGINT, frame)

    if sigint_before is not None:
        signal.signal(signal.SIGINT, sigint_before)  # ours again (or still ignored)
        with signals.delegate(interrupt):
            yield
        return
    signal.signal(signal.SIGINT, lambda signum, frame: interrupt(frame))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, trio_handler)


@contextlib.contextmanager
def lending_sigint():
    """With the command line's signal handlers in place, SIGINT's handler
    is Python's default for the moment Trio starts (Trio installs its
    Ctrl-C delivery only over that one); `interrupts` puts it back."""
    if threading.current_thread() is not threading.main_thread() \
            or not any(signals.installed(s) for s in signals.SIGNALS):
        yield None
        return
    before = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield before
    finally:
        signal.signal(signal.SIGINT, before)
