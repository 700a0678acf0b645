"""The schedulers' loop: a sweep every interval until stopped, and a failing sweep (the database down)
tried again after a backoff that doubles, and resets once a sweep succeeds."""
from eventkit.lifecycle import StopFlag
from servicekit import sweeps


class RecordingStop(StopFlag):
    """A stop flag that records each wait instead of sleeping, and stops after `waits` of them."""

    def __init__(self, waits: int):
        super().__init__(install_signal_handlers=False)
        self.waited, self.waits = [], waits

    def wait(self, seconds: float) -> bool:
        self.waited.append(seconds)
        if len(self.waited) >= self.waits:
            self.set()
        return self.is_set


def test_sweeps_every_interval_backing_off_while_a_sweep_fails():
    outcomes = iter([None, RuntimeError("down"), RuntimeError("down"), None, None])
    calls = []

    def sweep():
        calls.append(1)
        outcome = next(outcomes)
        if outcome:
            raise outcome

    stop = RecordingStop(waits=5)
    sweeps.run_sweeps(sweep, 5.0, "test", "sweeps", stop)
    assert len(calls) == 5 and stop.waited == [5.0, 1.0, 2.0, 5.0, 5.0]


def test_nothing_runs_once_stopped():
    stop = RecordingStop(waits=1)
    stop.set()
    sweeps.run_sweeps(lambda: (_ for _ in ()).throw(AssertionError("ran")), 5.0, "test", "sweeps", stop)
    assert stop.waited == []
