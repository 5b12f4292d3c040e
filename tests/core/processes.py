"""Reading the process table from /proc, to prove that what a command started ends with it."""

from __future__ import annotations

import os
import signal

HAS_PROC = os.path.isdir("/proc/self")


def processes() -> dict[int, tuple[int, str]]:
    """Every live process: pid -> (parent pid, start time). A zombie counts as ended."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()  # after "pid (name)"
        except OSError:  # it ended while we looked
            continue
        if fields[0] != "Z":
            table[int(entry)] = (int(fields[1]), fields[19])
    return table


def descendants(pid: int) -> dict[int, str]:
    """The processes below ``pid`` (children, their children...), each with its start time."""
    table, found, parents = processes(), {}, {pid}
    while parents:
        children = {child for child, (parent, _) in table.items() if parent in parents and child not in found}
        found.update({child: table[child][1] for child in children})
        parents = children
    return found


def still_running(started: dict[int, str]) -> set[int]:
    """Those of ``started`` that are alive (the same process: a reused pid has another start time)."""
    table = processes()
    return {pid for pid, since in started.items() if pid in table and table[pid][1] == since}


def kill(pids: set[int]) -> None:
    """End what a failing test would otherwise leave behind."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
