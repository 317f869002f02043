"""The Convex mirror over Convex's HTTP function API (httpx): ConvexMirror wires one client and one
breaker per process into the order cache and the snapshot sink."""

from orderzap_adapters.convex.breaker import BreakerState, BreakerStatus, CircuitBreaker
from orderzap_adapters.convex.cache import ConvexOrderCache
from orderzap_adapters.convex.client import (
    CircuitOpen,
    ConvexClient,
    ConvexFailure,
    FunctionError,
    Misconfigured,
    Timeouts,
    Transient,
)
from orderzap_adapters.convex.mirror import ConvexMirror
from orderzap_adapters.convex.sink import ConvexSnapshotSink

__all__ = [
    "BreakerState", "BreakerStatus", "CircuitBreaker", "CircuitOpen", "ConvexClient", "ConvexFailure",
    "ConvexMirror", "ConvexOrderCache", "ConvexSnapshotSink", "FunctionError", "Misconfigured",
    "Timeouts", "Transient",
]
