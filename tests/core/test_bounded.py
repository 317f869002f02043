"""The bounded map: never more than its size, the oldest put forgotten first."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderzap_core.bounded import BoundedMap

operations = st.lists(st.tuples(st.sampled_from(["put", "forget"]), st.integers(0, 9), st.integers()),
                      max_size=60)


@given(size=st.integers(1, 6), ops=operations)
def test_a_bounded_map_keeps_the_newest_puts(size: int, ops: list[tuple[str, int, int]]) -> None:
    bounded: BoundedMap[int, int] = BoundedMap(size)
    model: dict[int, int] = {}               # insertion order: the oldest first
    for op, key, value in ops:
        if op == "put":
            model.pop(key, None)
            model[key] = value
            while len(model) > size:
                model.pop(next(iter(model)))
            bounded.put(key, value)
        else:
            model.pop(key, None)
            bounded.forget(key)
        assert len(bounded) == len(model) <= size
    for key in range(10):
        assert bounded.get(key) == model.get(key)


def test_a_bounded_map_holds_something() -> None:
    with pytest.raises(ValueError):
        BoundedMap(0)


def test_threads_putting_at_once_never_overfill_it() -> None:
    bounded: BoundedMap[tuple[int, int], int] = BoundedMap(50)

    def fill(thread: int) -> None:
        for n in range(2_000):
            bounded.put((thread, n), n)

    threads = [threading.Thread(target=fill, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(bounded) == 50
