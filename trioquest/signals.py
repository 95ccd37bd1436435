"""SIGINT, SIGTERM and SIGHUP end a program the same way (CONCURRENCY.md §8).

The first of them cancels everything: the running code gets a
KeyboardInterrupt (inside the async runtime, Trio delivers it as it does
Ctrl-C, at a safe point), every ``ensure`` block runs, and the command
exits with 128 + the signal's number (130, 143, 129).  A second signal
exits at once.  A signal the program was started with ignored (``nohup``
ignores SIGHUP; a non-interactive shell ignores SIGINT for its background
jobs) stays ignored, as in other programs.

Trio-free: sync programs are handled the same way.  `handling()` installs
the handlers for the duration of a command; the async runtime lends Trio's
own Ctrl-C delivery while a Trio run is going (`delegate`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
RECEIVED: list = []         # the signals received, in order
_DELEGATE = [None]          # how the first signal interrupts: fn(frame), None: raise here
_INSTALLED: set = set()     # the signals whose handler is ours now


def _handler(signum, frame) -> None:
    RECEIVED.append(signum)
    if len(RECEIVED) > 1:
        _exit_now(signum)
    delegate = _DELEGATE[0]
    if delegate is None:
        raise KeyboardInterrupt
    delegate(frame)


def _exit_now(signum: int) -> None:
    """A second signal: leave at once, without the cleanup still running.
    No Python stream is flushed here: the signal may have come in the
    middle of a write to it (standard output is line-buffered, so every
    whole line printed is out already)."""
    try:
        os.write(2, f"trioquest: {signal.Signals(signum).name} again: exiting at once\n".encode())
    except OSError:
        pass
    os._exit(128 + RECEIVED[0])


def exit_status() -> int:
    """The exit status of a program ended by a signal (Ctrl-C when none was
    recorded: a KeyboardInterrupt raised some other way)."""
    return 128 + (RECEIVED[0] if RECEIVED else signal.SIGINT)


def interrupted_by_ctrl_c() -> bool:
    return not RECEIVED or RECEIVED[0] == signal.SIGINT


@contextlib.contextmanager
def handling():
    """While a command runs (in the main thread): our handler for each of
    the three signals that is not ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    RECEIVED.clear()
    previous = {}
    for sig in SIGNALS:
        current = signal.getsignal(sig)
        if current == signal.SIG_IGN or current is None:
            continue
        previous[sig] = current
        signal.signal(sig, _handler)
        _INSTALLED.add(sig)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
            _INSTALLED.discard(sig)


def installed(sig: int) -> bool:
    return sig in _INSTALLED and signal.getsignal(sig) is _handler


@contextlib.contextmanager
def delegate(interrupt):
    """While a Trio run goes on: the first signal calls `interrupt(frame)`
    instead of raising KeyboardInterrupt where the handler runs."""
    previous, _DELEGATE[0] = _DELEGATE[0], interrupt
    try:
        yield
    finally:
        _DELEGATE[0] = previous


HANDLER = _handler
