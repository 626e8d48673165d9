"""A bounded cache of computed values with one computation per key at a time (single flight).

The dashboard's callbacks run in several threads at once: a view change starts about ten callbacks that
all need the same coverage tables. Computing them once and letting the others wait saves the work; but
one lock around every call made callbacks wait for each other even when they needed different things
(another date, another network). Here only callers of the *same* key wait for each other, different
keys are computed in parallel, and the number of values kept is bounded (least recently used go).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class _Flight:
    """One computation in progress: the callers of its key wait for ``done``."""

    __slots__ = ("done", "error", "value")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: object = None
        self.error: BaseException | None = None


class Memo(Generic[V]):
    """Memoise ``function`` for at most ``maxsize`` keys; concurrent callers of one key share one call.

    Parameters
    ----------
    function : callable
        Computes the value of a key; its positional arguments are the key (hashable).
    maxsize : int
        Most values kept; past it the least recently used is dropped.

    Notes
    -----
    A failed computation is not cached: its callers get the exception, the next call computes again.
    A computation must not call the same memo with its own key (it would wait for itself); calling
    other memos, or this one with other keys, is fine.
    """

    def __init__(self, function: Callable[..., V], maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.function = function
        self.maxsize = maxsize
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._flights: dict[Hashable, _Flight] = {}
        self._lock = threading.Lock()

    def __call__(self, *key: Hashable) -> V:
        """The value of ``key``: kept, being computed by another caller (then waited for), or computed now."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            flight = self._flights.get(key)
            leads = flight is None
            if leads:
                flight = self._flights[key] = _Flight()
        if not leads:
            flight.done.wait()
            if flight.error is not None:
                raise flight.error
            return flight.value  # type: ignore[return-value]
        try:
            value = self.function(*key)
        except BaseException as error:
            flight.error = error
            with self._lock:
                del self._flights[key]
            flight.done.set()
            raise
        flight.value = value
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.maxsize:
                self._values.popitem(last=False)
            del self._flights[key]
        flight.done.set()
        return value

    def __len__(self) -> int:
        """Number of values kept."""
        with self._lock:
            return len(self._values)
