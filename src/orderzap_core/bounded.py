"""A map that holds at most a given number of entries, forgetting the oldest first.

What a process remembers between requests (verified tokens, orders it has read, their JSON) must
stay bounded however long it runs. Reads take no lock (a dict lookup is atomic); writes take one,
so threads of one worker can share a map.
"""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BoundedMap(Generic[K, V]):
    """Up to ``size`` entries; putting one more forgets the oldest put (insertion order)."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a bounded map holds at least one entry")
        self._size = size
        self._entries: dict[K, V] = {}
        self._writing = threading.Lock()

    @property
    def size(self) -> int:
        """The most entries the map holds."""
        return self._size

    def get(self, key: K) -> V | None:
        """The value put under ``key``, or None."""
        return self._entries.get(key)

    def put(self, key: K, value: V) -> None:
        """Remember ``value`` under ``key``, forgetting the oldest entries beyond the size."""
        with self._writing:
            self._entries.pop(key, None)      # a replaced entry counts as the newest
            while len(self._entries) >= self._size:
                self._entries.pop(next(iter(self._entries)), None)
            self._entries[key] = value

    def forget(self, key: K) -> None:
        """Drop ``key`` if it is there."""
        with self._writing:
            self._entries.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)
