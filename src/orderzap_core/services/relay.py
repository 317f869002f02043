"""The outbox relay: delivers committed snapshots to a sink, never dropping one.

One step claims a batch (other relays skip it), keeps only the newest version per order, and
delivers it. Applied and stale rows are deleted with the older versions they superseded. A batch
the sink rejects as a whole is split in halves until the bad snapshot is found; that row is parked
(attempts, error, time) and the rest flow on. A transient failure leaves every row pending and
asks the caller to wait: capped exponential backoff with jitter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from attrs import define, frozen

from orderzap_core.errors import SinkRejected, SinkUnavailable
from orderzap_core.ports.cache import Delivery, Outcome, SnapshotSink
from orderzap_core.ports.outbox import OutboxEntry, RelayUnitOfWork
from orderzap_core.ports.system import Clock, Random


@frozen
class Backoff:
    """Capped exponential backoff with equal jitter: half the step fixed, half random. The cap is
    low on purpose: after an outage the mirror must catch up within seconds, and the sink's
    circuit breaker already keeps a failing mirror from being hammered."""

    base_seconds: float = 0.5
    cap_seconds: float = 4.0

    def delay(self, failures: int, random: float) -> float:
        """Seconds to wait after ``failures`` consecutive failures (``random`` in [0, 1))."""
        if failures <= 0:
            return 0.0
        step = min(self.cap_seconds, self.base_seconds * float(2 ** min(failures - 1, 32)))
        return step / 2 + step / 2 * random


@frozen
class RelayStep:
    """What one step did; ``wait_seconds`` is how long to sleep before the next (0: go on)."""

    claimed: int = 0
    applied: int = 0
    stale: int = 0
    superseded: int = 0
    parked: int = 0
    failed: bool = False
    wait_seconds: float = 0.0
    error: str | None = None


@define
class OutboxRelay:
    """Moves outbox rows to a sink."""

    _relay_uow: Callable[[], RelayUnitOfWork]
    _sink: SnapshotSink
    _clock: Clock
    _random: Random
    batch_size: int = 200
    backoff: Backoff = Backoff()
    idle_seconds: float = 1.0
    failures: int = 0
    last_error: str | None = None

    def step(self) -> RelayStep:
        """Claim, deliver and settle one batch."""
        with self._relay_uow() as uow:
            entries = uow.queue.claim(self.batch_size)
            if not entries:
                return RelayStep(wait_seconds=self.idle_seconds)
            newest: dict[object, OutboxEntry] = {}
            for entry in entries:
                held = newest.get(entry.order.id)
                if held is None or entry.order.version > held.order.version:
                    newest[entry.order.id] = entry
            chosen = sorted(newest.values(), key=lambda e: e.id)
            superseded = [e.id for e in entries if newest[e.order.id] is not e]
            try:
                results = self._deliver(chosen)
            except SinkUnavailable as error:
                self.failures += 1
                self.last_error = str(error) or type(error).__name__
                uow.queue.record_failure([e.id for e in entries], self.last_error)
                uow.commit()
                return RelayStep(
                    claimed=len(entries), failed=True, error=self.last_error,
                    wait_seconds=self.backoff.delay(self.failures, self._random.random()))
            done = [e.id for e, d in results if d.outcome is not Outcome.REJECTED]
            now = self._clock.now()
            for entry, delivery in results:
                if delivery.outcome is Outcome.REJECTED:
                    self.last_error = f"rejected: {delivery.code or 'unknown'}"
                    uow.queue.park(entry.id, self.last_error, now)
            uow.queue.delete(done + superseded)
            uow.commit()
        self.failures = 0
        count = {o: sum(1 for _, d in results if d.outcome is o) for o in Outcome}
        return RelayStep(
            claimed=len(entries), applied=count[Outcome.APPLIED], stale=count[Outcome.STALE],
            superseded=len(superseded), parked=count[Outcome.REJECTED],
            wait_seconds=0.0 if len(entries) >= self.batch_size else self.idle_seconds)

    def drain(self, max_steps: int = 1000) -> list[RelayStep]:
        """Step until the outbox is empty or a step fails; returns the steps taken."""
        steps = []
        for _ in range(max_steps):
            result = self.step()
            steps.append(result)
            if result.failed or result.claimed == 0:
                break
        return steps

    def _deliver(self, entries: Sequence[OutboxEntry]) -> list[tuple[OutboxEntry, Delivery]]:
        try:
            answers = self._sink.deliver([e.order for e in entries])
        except SinkRejected as error:
            if len(entries) == 1:
                return [(entries[0], Delivery(Outcome.REJECTED, str(error) or "rejected"))]
            half = len(entries) // 2
            return self._deliver(entries[:half]) + self._deliver(entries[half:])
        if len(answers) != len(entries):
            raise SinkUnavailable(f"sink answered {len(answers)} results for {len(entries)} snapshots")
        return list(zip(entries, answers, strict=True))
