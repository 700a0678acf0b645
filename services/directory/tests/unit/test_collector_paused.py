"""The search feed's bulk loads run with Python's cyclic collector paused, and leave what they
loaded frozen (out of later passes' sight) with the collector as they found it."""
import gc

import pytest

from directory.entrypoints.search_feed import collector_paused


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_the_collector_is_off_during_the_load_and_on_again_after(unfrozen):
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        loaded = [{"n": n} for n in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(loaded)


def test_a_failed_load_still_turns_the_collector_back_on(unfrozen):
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("the database went away")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(unfrozen):
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
