"""The order status machine: one table that the code and the docs both read.

``docs/status.md`` is rendered from :data:`TRANSITIONS` by :func:`transition_table_markdown`,
and a test checks the two still agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class OrderStatus(StrEnum):
    """Where an order stands in the kitchen."""

    RECEIVED = "received"
    PREPARING = "preparing"
    READY = "ready"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


#: Every legal move. Anything absent (including staying put) is an invalid transition.
TRANSITIONS: Mapping[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.RECEIVED: frozenset({OrderStatus.PREPARING, OrderStatus.CANCELLED}),
    OrderStatus.PREPARING: frozenset({OrderStatus.READY, OrderStatus.CANCELLED}),
    OrderStatus.READY: frozenset({OrderStatus.COMPLETED, OrderStatus.CANCELLED}),
    OrderStatus.COMPLETED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}

TERMINAL: frozenset[OrderStatus] = frozenset(s for s, targets in TRANSITIONS.items() if not targets)


def can_move(current: OrderStatus, target: OrderStatus) -> bool:
    """Whether an order in ``current`` may move to ``target``."""
    return target in TRANSITIONS[current]


def is_terminal(status: OrderStatus) -> bool:
    """Whether no move leaves ``status``."""
    return status in TERMINAL


def transition_table_markdown() -> str:
    """The transition table as Markdown, for the docs."""
    lines = ["| from | may move to |", "|---|---|"]
    for source in OrderStatus:
        targets = ", ".join(f"`{t.value}`" for t in OrderStatus if t in TRANSITIONS[source])
        lines.append(f"| `{source.value}` | {targets or '— (terminal)'} |")
    return "\n".join(lines) + "\n"
