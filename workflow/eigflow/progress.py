"""Progress of long jobs: log lines (units done, rate and ETA, at most every few seconds), and,
on request, a tqdm progress bar (the ``progress`` extra)."""
from __future__ import annotations

import logging
import time

from ._checks import import_extra


class Progress:
    """Log ``label: done/total unit (pct), rate/s, ETA`` as work advances; with ``bar``, also
    draw a tqdm bar. Use as a context manager (or call :meth:`close`) to close the bar."""

    def __init__(self, total: int, unit: str, logger: logging.Logger, label: str = "",
                 every: float = 5.0, points_per_unit: int = 0, bar: bool = False):
        self.total, self.unit, self.log, self.label, self.every = total, unit, logger, label, every
        self.points_per_unit = points_per_unit
        self.done = 0
        self.bar = None
        if bar:
            tqdm = import_extra("tqdm.auto", "tqdm", "progress", "a progress bar (progress=True)").tqdm
            self.bar = tqdm(total=total, unit=f" {unit}", desc=label or None)
        self.started = self.last = time.perf_counter()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

    def advance(self, n: int) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
        now = time.perf_counter()
        if now - self.last < self.every and self.done < self.total:
            return
        self.last = now
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        eta = (self.total - self.done) / rate if rate > 0 else float("inf")
        points = f", {rate * self.points_per_unit:.0f} path points/s" if self.points_per_unit else ""
        self.log.info("%s%d/%d %s (%.0f%%), %.2f %s/s%s, elapsed %.0f s, ETA %.0f s",
                      f"{self.label}: " if self.label else "", self.done, self.total, self.unit,
                      100.0 * self.done / max(self.total, 1), rate, self.unit, points, elapsed, eta)
