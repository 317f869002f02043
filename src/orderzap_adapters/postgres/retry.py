"""Running a use case again when the database aborted it to resolve a conflict.

A unit of work is a ``with`` block inside a use case, and a block cannot be re-entered, so the
retry wraps the use case: ``with_retries(OrderService, …)`` is a subclass of OrderService whose
public methods run again, with jitter, when their unit of work raised Conflict (a serialization
failure or a deadlock: nothing of the failed attempt was committed). After the last attempt the
Conflict, an Unavailable, reaches the caller as a 503. Only the outermost call retries (a use
case calling another is retried once, as a whole).
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from orderzap_adapters.postgres.errors import Conflict
from orderzap_core.ports.system import Random

S = TypeVar("S")

_active = threading.local()


def with_retries(service: type[S], *, attempts: int, random: Random,
                 sleep: Callable[[float], None] = time.sleep, base_delay: float = 0.02) -> type[S]:
    """A subclass of ``service`` whose public methods are retried on Conflict, up to
    ``attempts`` runs in all, waiting ``base_delay × 2ⁿ × (1 + jitter)`` between runs."""

    def retried(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            if getattr(_active, "depth", 0):
                return method(self, *args, **kwargs)
            _active.depth = 1
            try:
                for attempt in range(1, attempts + 1):
                    try:
                        return method(self, *args, **kwargs)
                    except Conflict:
                        if attempt >= attempts:
                            raise
                        sleep(base_delay * 2 ** (attempt - 1) * (1 + random.random()))
            finally:
                _active.depth = 0
            raise AssertionError("unreachable")

        return call

    methods = {name: retried(member) for name, member in vars(service).items()
               if not name.startswith("_") and callable(member)
               and not isinstance(member, staticmethod | classmethod | type)}
    # NOTE: an empty __slots__ keeps the attrs class's slotted layout.
    return type(f"Retrying{service.__name__}", (service,), {"__slots__": (), **methods})
