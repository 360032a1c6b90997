"""`pycomsim run --isolate`: the run in a child process with limits, so runaway board code cannot hurt
the process that started it.

pycomsim is not a sandbox (board code runs with your privileges, README "Reliability and limits");
this bounds what a run can take. The parent re-runs the same command line as `python -m
pycomsim.isolate_child ARGS`, in a session of its own, and waits; the child's stdin, stdout and stderr are the
parent's own (`isolate_child.py`), so the serial output, `--json`, `--vcd`, the summary and the exit code pass through
unchanged. The parent forwards SIGINT, SIGTERM and SIGHUP, so the run ends as it would without
`--isolate` (outputs complete, 130/143/129).

Before it runs anything, the child (Linux):
- unshares a user and a network namespace: no network but its own loopback, which is down (where the
  kernel refuses, one line says so and the run keeps the host's network);
- sets no-new-privileges (prctl PR_SET_NO_NEW_PRIVS) and a seccomp filter that refuses new processes
  (fork, vfork, clone without CLONE_THREAD, execve) with EPERM: RLIMIT_NPROC does not bind root, and a
  fork bomb must not depend on who runs it;
- limits its address space (RLIMIT_AS, `--isolate-memory`, default 2G), its CPU time (RLIMIT_CPU,
  `--isolate-cpu`, default 600 s: SIGXCPU ends the run like SIGTERM, a hard limit 5 s later kills it),
  open files (RLIMIT_NOFILE 256), processes and threads (RLIMIT_NPROC 64) and core dumps (none).
"""

from __future__ import annotations

import argparse
import ctypes
import errno
import json
import os
import platform
import resource
import signal
import struct
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from .exc import UsageError
from .signals import Terminated

ENV = "PYCOMSIM_ISOLATED"  # set in the child: the limits it applies (and: do not isolate again)
DEFAULT_MEMORY, DEFAULT_CPU_S = "2G", 600
OPEN_FILES, PROCESSES, CPU_GRACE_S = 256, 64, 5
EXIT_CPU_LIMIT = 128 + signal.SIGXCPU  # the run ended at its CPU time limit (outputs complete)
SIZES = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}

CLONE_NEWUSER, CLONE_NEWNET, CLONE_THREAD = 0x10000000, 0x40000000, 0x00010000
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
RET_ALLOW, RET_ERRNO = 0x7FFF0000, 0x00050000
# (audit arch, syscalls refused outright, clone, clone3), from the kernel's syscall tables
ARCHES = {
    "x86_64": (0xC000003E, (57, 58, 59, 322), 56, 435),  # fork vfork execve execveat; clone; clone3
    "aarch64": (0xC00000B7, (221, 281), 220, 435),  # execve execveat (no fork/vfork there)
}


def add_isolate_arguments(run: argparse.ArgumentParser) -> None:
    run.add_argument(
        "--isolate",
        action="store_true",
        help="run the board in a child process with resource limits and no network "
        "(README: Reliability and limits)",
    )
    run.add_argument(
        "--isolate-memory",
        metavar="SIZE",
        help=f"address space of --isolate (default {DEFAULT_MEMORY})",
    )
    run.add_argument(
        "--isolate-cpu",
        metavar="SECONDS",
        help=f"CPU time of --isolate (default {DEFAULT_CPU_S})",
    )


def inside() -> bool:
    """True in the isolated child (its own --isolate is already in force)."""
    return ENV in os.environ


def parse_size(text: str) -> int:
    """'300M', '2G', '65536' -> bytes; a UsageError names a bad one."""
    value = str(text).strip().upper().removesuffix("B")
    scale = SIZES.get(value[-1:], 1)
    number = value[:-1] if value[-1:] in SIZES else value
    if not number.isdigit() or int(number) * scale < 64 << 20:
        raise UsageError(
            f"bad --isolate-memory {text!r}: expected a size of at least 64M, like 512M or 2G"
        )
    return int(number) * scale


def parse_cpu(text: str) -> int:
    if not str(text).isdigit() or int(text) < 1:
        raise UsageError(f"bad --isolate-cpu {text!r}: expected whole seconds, at least 1")
    return int(text)


def run_isolated(argv: list[str], args: argparse.Namespace) -> int:
    """The parent: the same command line in a limited child; its exit code is ours."""
    if sys.platform != "linux":
        raise UsageError("--isolate needs Linux (namespaces, seccomp and rlimits)")
    if getattr(args, "ui", False):
        raise UsageError("--isolate cannot serve --ui: the isolated board has no network")
    limits = {
        "memory": parse_size(args.isolate_memory or DEFAULT_MEMORY),
        "cpu_s": parse_cpu(args.isolate_cpu or DEFAULT_CPU_S),
    }
    child = subprocess.Popen(
        [sys.executable, "-m", "pycomsim.isolate_child", *argv],
        env={**os.environ, ENV: json.dumps(limits)},
        start_new_session=True,  # the terminal's Ctrl-C reaches us only, and we pass it on once
    )
    ending = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {s: signal.signal(s, lambda signum, _: child.send_signal(signum)) for s in ending}
    try:
        code = child.wait()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if code == EXIT_CPU_LIMIT or code == -signal.SIGXCPU:
        print(
            _limit_line(f"reached its CPU time limit ({limits['cpu_s']} s, --isolate-cpu)"),
            file=sys.stderr,
        )
        return EXIT_CPU_LIMIT
    if code < 0:  # killed: the hard CPU limit, or the kernel's answer to a memory fault
        name = signal.Signals(-code).name
        print(_limit_line(f"was killed by {name}"), file=sys.stderr)
        return 128 - code
    return code


def _limit_line(what: str) -> str:
    return f"pycomsim: error: the isolated run {what}"


# ---- the child ----
def apply_limits(limits: dict[str, Any], before_filter: Callable[[], None]) -> list[str]:
    """Namespaces, rlimits, `before_filter()` (what must start its processes first), no new
    privileges and the process filter, in that order; returns a line for each protection this
    machine does not allow."""
    notes = []
    libc = ctypes.CDLL(None, use_errno=True)
    reason = _private_network(libc)
    if reason:
        notes.append(f"no private network here ({reason}): the board keeps the host's network")
    resource.setrlimit(resource.RLIMIT_AS, (limits["memory"], limits["memory"]))
    cpu = limits["cpu_s"]
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + CPU_GRACE_S))
    resource.setrlimit(resource.RLIMIT_NOFILE, (OPEN_FILES, OPEN_FILES))
    resource.setrlimit(resource.RLIMIT_NPROC, (PROCESSES, PROCESSES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    before_filter()
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        notes.append(f"no-new-privileges refused ({os.strerror(ctypes.get_errno())})")
    else:
        reason = _refuse_new_processes(libc)
        if reason:
            notes.append(f"new processes cannot be refused here ({reason})")
    os.register_at_fork(before=_note_fork)
    signal.signal(signal.SIGXCPU, _cpu_limit)
    return notes


def _private_network(libc: Any) -> str:
    """A user and a network namespace of our own, our uid and gid mapped to themselves; '' when done,
    else why not."""
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        first = ctypes.get_errno()
        if libc.unshare(CLONE_NEWNET) != 0:  # root where user namespaces are off
            return f"unshare: {os.strerror(first)}"
        return ""
    try:
        for name, text in (
            ("setgroups", "deny"),
            ("uid_map", f"{uid} {uid} 1"),
            ("gid_map", f"{gid} {gid} 1"),
        ):
            with open(f"/proc/self/{name}", "w") as f:
                f.write(text)
    except OSError as error:
        return f"uid map: {error.strerror}"
    return ""


def _refuse_new_processes(libc: Any) -> str:
    """The seccomp filter: fork, vfork, execve and a clone that is not a thread fail with EPERM;
    clone3 with ENOSYS (its flags are out of a filter's reach; glibc then uses clone)."""
    arch = ARCHES.get(platform.machine())
    if arch is None:
        return f"no filter for {platform.machine()}"
    audit, refused, clone, clone3 = arch
    deny, enosys = RET_ERRNO | errno.EPERM, RET_ERRNO | errno.ENOSYS
    # classic BPF over struct seccomp_data: nr at 0, arch at 4, args[0] (low half) at 16
    prog: list[tuple[int, int, int, int]] = [
        (0x20, 0, 0, 4),  # ld arch
        (0x15, 1, 0, audit),  # jeq audit: skip the next
        (0x06, 0, 0, deny),  # another ABI (i386 on x86_64): nothing
        (0x20, 0, 0, 0),  # ld nr
    ]
    if audit == ARCHES["x86_64"][0]:
        prog += [(0x35, 0, 1, 0x40000000), (0x06, 0, 0, deny)]  # x32 numbers: nothing
    for nr in refused:
        prog += [(0x15, 0, 1, nr), (0x06, 0, 0, deny)]
    prog += [(0x15, 0, 1, clone3), (0x06, 0, 0, enosys)]
    prog += [
        (0x15, 0, 3, clone),  # clone: look at its flags, else allow
        (0x20, 0, 0, 16),  # ld args[0]
        (0x45, 1, 0, CLONE_THREAD),  # jset CLONE_THREAD: a thread: allow
        (0x06, 0, 0, deny),
        (0x06, 0, 0, RET_ALLOW),
    ]
    filters = b"".join(struct.pack("HBBI", *insn) for insn in prog)
    buffer = ctypes.create_string_buffer(filters)
    fprog = struct.pack("HL", len(prog), ctypes.addressof(buffer))
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.c_char_p(fprog), 0, 0) != 0:
        return f"seccomp: {os.strerror(ctypes.get_errno())}"
    return ""


_told_fork = False


def _note_fork() -> None:
    global _told_fork
    if not _told_fork:
        _told_fork = True
        print(
            "pycomsim: --isolate: board code tried to start a process: refused",
            file=sys.stderr,
            flush=True,
        )


def _cpu_limit(signum: int, frame: Any) -> None:
    raise Terminated(signum)  # the run ends as after SIGTERM: outputs complete, the summary
