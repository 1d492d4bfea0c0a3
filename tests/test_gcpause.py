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
