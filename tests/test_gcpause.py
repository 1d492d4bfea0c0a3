"""The garbage-collector pause used around bulk work (geokursk.gcpause)."""

from __future__ import annotations

import gc

import pytest

from geokursk.gcpause import gc_paused


def test_pause_restores_the_collector_even_after_an_error() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_nested_pauses_reenable_only_at_the_outermost() -> None:
    with gc_paused():
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block did not switch it back on
    assert gc.isenabled()


def test_a_caller_that_disabled_the_collector_keeps_it_disabled() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_extraction_leaves_the_collector_as_it_found_it() -> None:
    from geokursk import extract_article

    extract_article("Shelling was reported near the village of Plekhovo, Kursk region.")
    assert gc.isenabled()


def test_threads_share_one_pause_and_the_last_switches_it_back() -> None:
    import threading

    inside = threading.Barrier(3)
    leave = threading.Event()

    def work() -> None:
        with gc_paused():
            inside.wait()
            leave.wait()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    inside.wait()  # both threads are inside their pause
    assert not gc.isenabled()
    leave.set()
    for t in threads:
        t.join()
    assert gc.isenabled()
