"""`loyalty serve` tunes the garbage collector once its app is built (api/collector.py)."""

from __future__ import annotations

import gc

import pytest

from api import collector


@pytest.fixture
def restored(monkeypatch):
    before = gc.get_threshold()
    monkeypatch.setattr(collector, "_tuned", False)
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


def test_tuning_freezes_what_is_alive_and_collects_the_young_generation_less_often(restored, monkeypatch):
    monkeypatch.delenv("LOYALTY_GC_DEFAULTS", raising=False)
    _, middle, old = gc.get_threshold()
    collector.tune()
    assert gc.get_threshold() == (collector.YOUNG, middle, old)
    assert gc.get_freeze_count() > 0
    assert gc.isenabled()  # cycles are still collected
    gc.unfreeze()
    collector.tune()
    assert gc.get_freeze_count() == 0  # once per process


def test_the_defaults_can_be_kept(restored, monkeypatch):
    monkeypatch.setenv("LOYALTY_GC_DEFAULTS", "1")
    before = gc.get_threshold()
    collector.tune()
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
