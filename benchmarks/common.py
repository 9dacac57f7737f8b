"""What every benchmark script prints the same way: best and median of repeated runs, plain
text tables, and the machine the figures come from."""

from __future__ import annotations

import os
import platform
import statistics


class Timed:
    """Best and median of ``self.times``: the best shows what the code costs, the median how
    much the machine's load moved it."""

    times: list[float]

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def table(head: tuple[str, ...], rows: list[tuple[str, ...]], numbers: int = 1) -> str:
    """A plain-text table; the columns from ``numbers`` on hold figures: right-aligned."""
    rows = [head, *rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = []
    for number, row in enumerate(rows):
        cells = [
            c.ljust(w) if i < numbers else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append(" | ".join(cells).rstrip())
        if number == 0:
            lines.append("-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def machine() -> str:
    """Where the figures come from: they only compare with figures from the same machine."""
    cpu = platform.processor() or platform.machine() or "unknown CPU"
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return f"machine: {cpu}, {os.cpu_count()} CPUs, {platform.system()}, {python}"
