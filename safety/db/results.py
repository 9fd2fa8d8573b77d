"""Results many sessions share: a figure asked for by many people (the dashboard of a scope and year, the league)
is computed once and handed to each of them, until a committed write changes the data.

Every entry is keyed on the store's data version, which each committed write advances, so nobody ever gets a
figure older than their own last change. The cache holds a bounded number of entries (least recently used go
first); while one session computes an entry, the others that ask for it wait for that result instead of
computing it again. Each caller gets its own copy, so a page that changes what it got changes nobody else's.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar, cast

P = ParamSpec("P")
T = TypeVar("T")
MAX_ENTRIES = 256


class SharedResults:
    """A bounded, thread-safe map from keys to computed results, computing each missing key once."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._computing: dict[Hashable, threading.Event] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The result for `key`: the stored one, the one another thread is computing, or computed now."""
        while True:
            with self._lock:
                if key in self._entries:
                    self._entries.move_to_end(key)
                    return self._entries[key]
                waiting = self._computing.get(key)
                if waiting is None:
                    self._computing[key] = threading.Event()
                    break
            waiting.wait()  # then look again: stored, or that computation failed and this one tries
        try:
            value = compute()
            with self._lock:
                self._entries[key] = value
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
            return value
        finally:
            with self._lock:
                self._computing.pop(key).set()


class Shares(Protocol):
    """A store with a data version and shared results."""

    @property
    def data_version(self) -> int: ...

    @property
    def results(self) -> SharedResults: ...


S = TypeVar("S", bound=Shares)
Computation = Callable[Concatenate[S, P], T]


def shared(
    *, ignore: tuple[str, ...] = (), private: Callable[[Any], Any] = copy.deepcopy
) -> Callable[[Computation[S, P, T]], Computation[S, P, T]]:
    """Share a function's results between sessions: the key is the function, its arguments (but those named in
    `ignore`, which only spare work and never change the result), today's date and the store's data version.
    `private` makes each caller's copy (a deep copy unless the result's items cannot change, when `list` will do)."""

    def wrap(compute: Computation[S, P, T]) -> Computation[S, P, T]:
        name = f"{compute.__module__}.{compute.__qualname__}"

        @functools.wraps(compute)
        def cached(store: S, *args: P.args, **kwargs: P.kwargs) -> T:
            named = tuple(sorted((k, v) for k, v in kwargs.items() if k not in ignore))
            key = (name, store.data_version, dt.date.today(), args, named)
            return cast(T, private(store.results.get(key, lambda: compute(store, *args, **kwargs))))

        return cached

    return wrap
