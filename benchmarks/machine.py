"""The line every benchmark starts with: the machine its figures were measured on."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def describe(after_memory: str = "", after_python: str = "") -> str:
    """CPU model, cores and memory (then ``after_memory``), and the Python version (then
    ``after_python``), e.g. ``AMD EPYC, 2 cores, 24 GiB; Python 3.11.7``."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or platform.machine() or cpu
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB{after_memory}; "
        f"Python {platform.python_version()}{after_python}"
    )
