"""The memo the dashboard's services and the boundaries cache with: per-key single flight, bounded."""

from __future__ import annotations

import threading

import pytest

from lpr_geo.memo import Memo

#: Longest a test waits for another thread; reached only when the memo is broken.
TIMEOUT = 30


def run_all(targets) -> list:
    """Run callables in threads at once; their results (or exceptions) in order."""
    results: list = [None] * len(targets)

    def run(i, target):
        try:
            results[i] = target()
        except BaseException as error:  # the test inspects it
            results[i] = error

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
        assert not thread.is_alive(), "a caller never returned"
    return results


def test_concurrent_callers_of_one_key_share_one_computation():
    started, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def compute(key):
        calls.append(key)
        started.set()
        assert release.wait(TIMEOUT)
        return object()

    memo = Memo(compute, maxsize=4)
    arrive = threading.Barrier(8)

    def caller():
        arrive.wait(TIMEOUT)
        return memo("tabellen")

    def releaser():
        assert started.wait(TIMEOUT)  # one computation runs; the other callers wait for it or find it
        release.set()

    results = run_all([caller] * 8 + [releaser])[:8]
    assert calls == ["tabellen"]
    assert all(result is results[0] for result in results)


def test_different_keys_are_computed_at_the_same_time():
    """Each computation waits at a barrier that only both together can pass: one lock for all would fail."""
    both_inside = threading.Barrier(2)

    def compute(key):
        both_inside.wait(TIMEOUT)
        return key.upper()

    memo = Memo(compute, maxsize=4)
    assert run_all([lambda: memo("a"), lambda: memo("b")]) == ["A", "B"]


def test_a_failed_computation_reaches_every_waiting_caller_and_is_not_kept():
    started, release = threading.Event(), threading.Event()
    attempts = []

    def compute(key):
        attempts.append(key)
        if len(attempts) == 1:
            started.set()
            assert release.wait(TIMEOUT)
            raise RuntimeError("Datenbank weg")
        return "wieder da"

    memo = Memo(compute, maxsize=2)

    def releaser():
        assert started.wait(TIMEOUT)
        release.set()

    first = run_all([lambda: memo("k"), releaser])[0]
    assert isinstance(first, RuntimeError)
    assert memo("k") == "wieder da" and attempts == ["k", "k"]


def test_at_most_maxsize_values_are_kept_least_recently_used_go():
    calls = []
    memo = Memo(lambda key: calls.append(key) or key, maxsize=2)
    memo(1), memo(2), memo(1), memo(3)  # 2 is now the least recently used
    assert len(memo) == 2
    memo(1)
    memo(2)
    assert calls == [1, 2, 3, 2]


def test_maxsize_must_be_positive():
    with pytest.raises(ValueError):
        Memo(lambda: None, maxsize=0)
