"""Worker processes that keep a state between tasks and give it back at the end.

A :class:`Handler` turns one task into one result and may accumulate state
(e.g. a count-min sketch of a corpus-learning pass) that :meth:`finish`
returns. :func:`worker_pool` runs handlers in the calling process
(``workers=1``) or in ``workers`` spawned processes, each with its own copy
of the installed handler; either way :meth:`WorkerPool.map` yields the
results in task order, so output never depends on the number of workers. A
run with several passes installs one handler per pass in the same processes.

Each worker has one task in flight at a time, which keeps memory bounded and
lets a large task and a large result never wait on each other in a pipe.
Workers ignore Ctrl-C: the parent gets the ``KeyboardInterrupt``, stops them
and cleans up. A worker that dies is reported at once as an error, never
replaced, so a script that starts workers without an
``if __name__ == "__main__":`` guard fails fast instead of respawning
forever.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from itertools import count
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from multiprocessing.reduction import ForkingPickler
from typing import Any, Protocol

from cleaner.errors import CleanerError, ConfigError

#: Seconds a stopped worker gets to exit before it is killed.
STOP_GRACE_SECONDS = 2.0
#: Exit code of a worker that found itself re-running an unguarded main script.
_UNGUARDED_MAIN_EXIT = 86

MAIN_GUARD_HINT = (
    "worker processes re-run the main script: put the code that starts the run "
    'under `if __name__ == "__main__":` (or use workers=1)'
)


class Handler(Protocol):
    """Handles the tasks of one worker (it must be picklable to reach a worker process)."""

    def handle(self, task: Any) -> Any:
        """Return the result of one task."""
        ...

    def finish(self) -> Any:
        """Return what this worker accumulated (called once, after the last task)."""
        ...


class WorkerPool(Protocol):
    """Runs tasks through handlers, results in task order."""

    workers: int

    def install(self, handler: Handler) -> None:
        """Give every worker its own copy of ``handler`` for the tasks that follow.

        Raises:
            ConfigError: ``handler`` cannot be sent to a worker process.
        """
        ...

    def map(self, tasks: Iterable[Any]) -> Iterator[Any]:
        """Yield each task's result, in task order."""
        ...

    def finish(self) -> Iterator[Any]:
        """Each handler's accumulated state (one per worker, read one at a time).

        Consume it whole before the next :meth:`install` or :meth:`map`.
        """
        ...


@contextmanager
def worker_pool(workers: int, handler: Handler | None = None) -> Iterator[WorkerPool]:
    """A pool running handlers in this process (``workers=1``) or in ``workers`` processes.

    Args:
        workers: Number of processes (1: no process is started).
        handler: The first handler to install, if any.

    Raises:
        ConfigError: A worker process could not start (e.g. the main script
            has no ``if __name__ == "__main__":`` guard) or a handler cannot
            be sent to a worker.
    """
    pool: _InlinePool | _ProcessPool = _InlinePool() if workers == 1 else _ProcessPool(workers)
    try:
        if handler is not None:
            pool.install(handler)
        yield pool
    finally:
        pool.stop()


class _InlinePool:
    workers = 1
    _handler: Handler

    def install(self, handler: Handler) -> None:
        self._handler = handler

    def stop(self) -> None:
        """Nothing to stop: the handler ran in this process."""

    def map(self, tasks: Iterable[Any]) -> Iterator[Any]:
        for task in tasks:
            yield self._handler.handle(task)

    def finish(self) -> Iterator[Any]:
        yield self._handler.finish()


class _ProcessPool:
    def __init__(self, workers: int) -> None:
        refuse_unguarded_main()
        self.workers = workers
        context = multiprocessing.get_context("spawn")
        self._processes: list[BaseProcess] = []
        self._connections: list[Connection] = []
        for _ in range(workers):
            parent_end, child_end = context.Pipe()
            process = context.Process(target=_worker_main, args=(child_end,), daemon=True)
            process.start()
            child_end.close()
            self._processes.append(process)
            self._connections.append(parent_end)

    def install(self, handler: Handler) -> None:
        # Pickled once for all workers: a handler may carry a large table.
        try:
            message = bytes(ForkingPickler.dumps(("install", handler)))
        except Exception as error:  # pickling failed: e.g. a lambda in a stage
            raise ConfigError(f"cannot send the stages to worker processes: {error}") from None
        for worker, connection in enumerate(self._connections):
            try:
                connection.send_bytes(message)
            except OSError:
                self._receive(worker)  # raises: the worker died (e.g. an unguarded main script)
                raise
        for worker in range(self.workers):
            self._receive(worker)

    def map(self, tasks: Iterable[Any]) -> Iterator[Any]:
        idle = list(range(self.workers))
        busy: dict[int, int] = {}  # worker -> task number in flight
        done: dict[int, Any] = {}
        numbers = count()
        next_out = 0
        iterator = iter(tasks)
        exhausted = False
        while True:
            while idle and not exhausted:
                task = next(iterator, _END)
                if task is _END:
                    exhausted = True
                    break
                worker = idle.pop()
                busy[worker] = next(numbers)
                self._connections[worker].send(("task", task))
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1
            if not busy:
                if exhausted:
                    return
                continue
            for worker in self._ready(busy):
                done[busy.pop(worker)] = self._receive(worker)
                idle.append(worker)

    def finish(self) -> Iterator[Any]:
        for connection in self._connections:
            connection.send(("finish", None))
        for worker in range(self.workers):
            yield self._receive(worker)

    def _ready(self, busy: dict[int, int]) -> list[int]:
        """Workers with a result waiting; a dead worker is an error."""
        connections: dict[object, int] = {self._connections[w]: w for w in busy}
        sentinels: dict[object, int] = {self._processes[w].sentinel: w for w in busy}
        ready = wait([*connections, *sentinels])  # type: ignore[list-item]
        workers = [connections[c] for c in ready if c in connections]
        if not workers:
            self._receive(sentinels[ready[0]])  # raises: the worker died without answering
        return workers

    def _receive(self, worker: int) -> Any:
        try:
            status, value = self._connections[worker].recv()
        except (EOFError, OSError):
            self._processes[worker].join(STOP_GRACE_SECONDS)
            raise self._death(self._processes[worker].exitcode) from None
        if status == "error":
            raise value
        return value

    @staticmethod
    def _death(exitcode: int | None) -> Exception:
        if exitcode == _UNGUARDED_MAIN_EXIT:
            return ConfigError(MAIN_GUARD_HINT)
        # Killed from outside, most often by the kernel when memory ran out.
        return CleanerError(f"a worker process died (exit code {exitcode}); was memory short?")

    def stop(self) -> None:
        """Stop every worker: ask politely, then terminate, then kill."""
        for connection in self._connections:
            with suppress(OSError):
                connection.send(None)
        for process in self._processes:
            process.join(STOP_GRACE_SECONDS / 4)
            if process.is_alive():
                process.terminate()
                process.join(STOP_GRACE_SECONDS)
            if process.is_alive():
                process.kill()
                process.join()
        for connection in self._connections:
            connection.close()


_END = object()


def refuse_unguarded_main() -> None:
    """Exit quietly when a spawned worker re-runs a main script that starts workers.

    A spawned process imports the main script again before it runs its task
    (that is how it finds the task's functions). Without a main guard, that
    import starts a run with workers itself; it must not spawn in turn. The
    parent sees the exit code and raises a :class:`ConfigError` naming the fix.
    """
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        sys.exit(_UNGUARDED_MAIN_EXIT)


def _worker_main(connection: Connection) -> None:
    # Ctrl-C reaches the whole process group; the parent alone handles it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    handler: Handler | None = None
    while (message := connection.recv()) is not None:
        kind, payload = message
        try:
            if kind == "install":
                handler, result = payload, None
            else:
                assert handler is not None  # the parent installs one first
                result = handler.finish() if kind == "finish" else handler.handle(payload)
        except Exception as error:  # the parent raises it
            _send_error(connection, error)
            return
        connection.send(("ok", result))


def _send_error(connection: Connection, error: Exception) -> None:
    try:
        connection.send(("error", error))
    except Exception:  # an exception that cannot be pickled: its text still can
        connection.send(("error", RuntimeError(f"{type(error).__name__}: {error}")))
