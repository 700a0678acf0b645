"""Graceful stop for long-running worker processes (relays, consumers)."""
import signal
import threading


class StopFlag:
    """Set by SIGTERM or SIGINT; loops check it between batches and sleep on it."""

    def __init__(self, install_signal_handlers: bool = True):
        self._event = threading.Event()
        if install_signal_handlers:
            signal.signal(signal.SIGTERM, self._on_signal)
            signal.signal(signal.SIGINT, self._on_signal)

    def _on_signal(self, signum, frame):
        self._event.set()

    def set(self) -> None:
        self._event.set()

    @property
    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True when a stop was asked for."""
        return self._event.wait(seconds)
