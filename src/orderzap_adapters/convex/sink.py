"""ConvexSnapshotSink: the relay's deliveries to ``orders:applySnapshots``, one result per snapshot.

One batch is one mutation (one round trip). Transient failures, a refused key and an open breaker
are SinkUnavailable (the relay backs off); a refusal of the whole batch by our function (a
``ConvexError`` with a code, such as ``BATCH_TOO_LARGE``) is SinkRejected with its code (the relay
bisects and parks the bad row). A function error *without* a code is not ours: the function never
throws one on purpose (a bad snapshot is a per-snapshot ``rejected``), so it is Convex failing to
run it (a crash, a redacted "Server Error", a 560 from the proxy) and counts as transient: parking
rows for it would set aside good snapshots.
"""

from __future__ import annotations

from collections.abc import Sequence

from orderzap_adapters.convex.client import ConvexClient, ConvexFailure, FunctionError
from orderzap_adapters.convex.snapshots import BadDocument, deliveries_from, to_document
from orderzap_core.domain.orders import Order
from orderzap_core.errors import SinkRejected, SinkUnavailable
from orderzap_core.ports.cache import Delivery

#: A batch of up to 500 snapshots may take a while to write; a read of it should not.
BATCH_READ_TIMEOUT = 10.0


class ConvexSnapshotSink:
    """SnapshotSink on a Convex deployment."""

    def __init__(self, client: ConvexClient, *, read_timeout: float = BATCH_READ_TIMEOUT) -> None:
        self._client = client
        self._read_timeout = read_timeout

    def deliver(self, snapshots: Sequence[Order]) -> list[Delivery]:
        """Apply each snapshot if newer; one Delivery per snapshot, in order. Raises SinkUnavailable
        or SinkRejected."""
        if not snapshots:
            return []
        try:
            value = self._client.mutation("orders:applySnapshots",
                                          {"snapshots": [to_document(o) for o in snapshots]},
                                          read_timeout=self._read_timeout)
        except FunctionError as failure:
            if failure.code is None:
                raise SinkUnavailable(f"orders:applySnapshots failed in Convex: {failure}") from None
            raise SinkRejected(failure.code) from None
        except ConvexFailure as failure:
            raise SinkUnavailable(str(failure)) from None
        try:
            return deliveries_from(value, snapshots)
        except BadDocument as error:
            raise SinkUnavailable(f"orders:applySnapshots answered {error}") from None
