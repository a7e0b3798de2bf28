"""One CPU shared by the grader and the worker while a call puts questions to the grader.

A call that asks questions (the gradient at each iterate of a convergence check) is a
strict ping-pong: the worker writes a question and sleeps, the grader wakes, answers
and sleeps, the worker wakes. On two CPUs each wake-up of a process sleeping on the
other one costs an inter-processor interrupt, tens of microseconds on a virtual machine
and about three quarters of the round trip (measured on the 2-core machines: 100 µs a
question on two CPUs, 20 µs on one). So while such a call runs, both sides pin the
asking thread to one CPU, the grader's, and put their affinity back afterwards: the
rest of the time the scheduler places them freely, and a worker computing its next
call runs beside a grader judging the last one.

The CPU is a hint about speed and nothing else: if it cannot be used (it is not in a
process's allowed set, or the kernel refuses), the call runs unpinned, and what the
call computes never depends on where it runs.

This module runs inside the sandbox too, so it imports only the standard library.
"""

import os

#: What :func:`current_cpu` answers where the kernel does not say.
UNKNOWN_CPU = 2**64 - 1

# Bound before student code runs in the worker, which may replace what the os module holds.
_get_affinity, _set_affinity = os.sched_getaffinity, os.sched_setaffinity


def current_cpu():
    """The CPU the calling thread runs on (field 39 of ``/proc/thread-self/stat``), or :data:`UNKNOWN_CPU`."""
    try:
        with open("/proc/thread-self/stat", "rb") as stat:
            return int(stat.read().rsplit(b")", 1)[1].split()[36])
    except (OSError, IndexError, ValueError):
        return UNKNOWN_CPU


def pin(cpu):
    """Pin the calling thread to ``cpu``; return the CPUs it was allowed before, for :func:`release`,
    or None where ``cpu`` cannot be used (the thread then stays where it was allowed to run)."""
    own = _get_affinity(0)
    try:
        _set_affinity(0, {cpu})
    except (OSError, ValueError, OverflowError):
        return None
    return own


def release(own):
    """Give the calling thread back the CPUs :func:`pin` returned (nothing to do for None)."""
    if own is not None:
        try:
            _set_affinity(0, own)
        except OSError:  # a CPU of the set went offline meanwhile: the kernel keeps the thread where it can run
            pass
