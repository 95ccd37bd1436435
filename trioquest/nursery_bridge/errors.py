"""The error types of std/async (``async.TimeoutError`` and friends)."""

from __future__ import annotations

from ..errors import QuestError


class AsyncTimeoutError(QuestError):
    """An ``async.timeout`` ran out: the timed-out work was cancelled."""

    type_name = "TimeoutError"


class CancelledError(QuestError):
    """Awaiting a task that was cancelled."""

    type_name = "CancelledError"


class ChannelClosedError(QuestError):
    """Sending on a closed channel."""

    type_name = "ChannelClosedError"


class DeadlockError(QuestError):
    """Tasks wait for each other for ever: raised where the main program
    waits when no task can run again, or in the task that closes a cycle
    of waits (CONCURRENCY.md §8)."""

    type_name = "DeadlockError"


class _WithErrors(QuestError):
    def __init__(self, message: str, errors: list) -> None:
        super().__init__(message)
        self.errors = list(errors)


class TaskGroupError(_WithErrors):
    """Several unobserved task failures at once; ``errors()`` lists them."""

    type_name = "TaskGroupError"


class AllFailedError(_WithErrors):
    """Every input of ``race_ok`` failed; ``errors()`` lists them."""

    type_name = "AllFailedError"


ASYNC_ERRORS = {
    "TimeoutError": AsyncTimeoutError, "CancelledError": CancelledError,
    "ChannelClosedError": ChannelClosedError, "TaskGroupError": TaskGroupError,
    "AllFailedError": AllFailedError, "DeadlockError": DeadlockError,
}
