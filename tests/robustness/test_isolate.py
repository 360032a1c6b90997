"""`pycomsim run --isolate` (issue case 19): the board runs in a child process with resource limits, no
new processes and no network; a runaway allocation, a fork bomb or a CPU hog ends that run with a
clear line and the parent lives on, small; the run's outputs pass through unchanged."""

import json
import re
import resource
import socket
import subprocess
import sys

import pytest

from pycomsim.cli import main

# board code reaching the host's os module, past the board's language gate
HOST_OS = "[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == '_wrap_close'][0]"
FORKS = f"""
os = {HOST_OS}.__init__.__globals__
made = 0
for i in range(20):  # bounded: harmless even if the isolation failed
    try:
        pid = os['fork']()
    except OSError as error:
        print('refused', error.errno)
        break
    if pid == 0:
        os['_exit'](0)
    made += 1
    os['waitpid'](pid, 0)
print('forks', made)
print('system', os['system']('true'))
"""
HOG = """
chunks = []
for i in range(40):  # 2.5 GB if nothing stopped it
    chunks.append(b'x' * (64 * 1024 * 1024))
print('allocated', len(chunks))
"""
BLINK = """
import time
from machine import Pin
p = Pin('P9', mode=Pin.OUT)
for i in range(5):
    p.toggle()
    print('toggle', i)
    time.sleep_ms(3)
"""


def pycomsim(*argv, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "pycomsim.cli", *map(str, argv)],
        capture_output=True,
        cwd=cwd,
        timeout=120,
    )


def test_outputs_pass_through_unchanged(write, tmp_path):
    script = write("blink.py", BLINK)
    plain = pycomsim("run", script, "--vcd", tmp_path / "plain.vcd", "--json")
    isolated = pycomsim("run", script, "--vcd", tmp_path / "iso.vcd", "--json", "--isolate")
    assert isolated.returncode == plain.returncode == 0
    assert isolated.stdout == plain.stdout and b"toggle 4" in plain.stdout
    assert (tmp_path / "iso.vcd").read_bytes() == (tmp_path / "plain.vcd").read_bytes()

    def summary(result):
        data = json.loads(result.stderr.decode().strip().splitlines()[-1])
        for varying in ("wall_s", "real_time_factor", "written"):
            data.pop(varying)
        return data

    assert summary(isolated) == summary(plain)
    failing = write("fails.py", "print('x')\nraise ValueError('boom')\n")
    assert pycomsim("run", failing, "--isolate").returncode == 1


def test_a_fork_bomb_is_refused_and_the_run_goes_on(write):
    script = write("forks.py", FORKS)
    plain = pycomsim("run", script)
    assert b"forks 20" in plain.stdout  # the test is real: without --isolate board code forks
    isolated = pycomsim("run", script, "--isolate")
    assert isolated.returncode == 0, isolated.stderr
    assert b"refused 1\nforks 0\n" in isolated.stdout  # EPERM at the first try
    assert b"system 32512" in isolated.stdout  # os.system: the shell could not be started
    assert b"pycomsim: --isolate: board code tried to start a process: refused" in isolated.stderr


def test_a_runaway_allocation_ends_the_run_and_the_parent_stays_small(write, capfd):
    script = write("hog.py", HOG)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB
    code = main(["run", str(script), "--isolate", "--isolate-memory", "300M"])
    out, err = capfd.readouterr()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert code == 1 and "allocated" not in out and "MemoryError" in out
    assert "pycomsim: error: the isolated run ran out of memory (300 MiB, --isolate-memory)" in err
    assert "Traceback" not in err
    assert after - before < 50 * 1024  # this process, the parent, never held the allocation


def test_the_cpu_limit_ends_the_run_like_a_signal(write, tmp_path):
    script = write("spin.py", "print('spinning')\nwhile True:\n    pass\n")
    vcd = tmp_path / "spin.vcd"
    result = pycomsim(
        "run", script, "--isolate", "--isolate-cpu", "1", "--cpu", "free", "--vcd", vcd
    )
    err = result.stderr.decode()
    assert result.returncode == 152 and result.stdout == b"spinning\n"
    assert "terminated by SIGXCPU" in err and "VCD written" in err and "Traceback" not in err
    assert err.strip().endswith(
        "pycomsim: error: the isolated run reached its CPU time limit (1 s, --isolate-cpu)"
    )
    assert vcd.read_text().rstrip().endswith("$end")  # complete: the run stopped at 0 ns


def test_no_network_inside(write):
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    script = write(
        "net.py",
        f"""
host_import = {HOST_OS}.__init__.__globals__['__builtins__']['__import__']
s = host_import('socket').socket()  # the host's socket module
try:
    s.connect(('127.0.0.1', {port}))
    print('connected')
except OSError as error:
    print('refused', error.errno)
""",
    )
    try:
        assert pycomsim("run", script).stdout == b"connected\n"  # the test is real
        isolated = pycomsim("run", script, "--isolate")
    finally:
        listener.close()
    if b"no private network here" in isolated.stderr:  # a kernel that refuses: said in one line
        assert isolated.stderr.count(b"no private network") == 1
        return
    assert re.fullmatch(rb"refused (101|111)\n", isolated.stdout), isolated.stdout  # no route


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--isolate", "--ui"], "--isolate cannot serve --ui"),
        (["--isolate", "--isolate-memory", "lots"], "bad --isolate-memory 'lots'"),
        (["--isolate", "--isolate-memory", "1M"], "at least 64M"),
        (["--isolate", "--isolate-cpu", "0"], "bad --isolate-cpu '0'"),
        (["--isolate-cpu", "5"], "--isolate-memory and --isolate-cpu apply to --isolate"),
    ],
)
def test_bad_isolate_flags_are_one_line(write, cli, argv, words):
    script = write("ok.py", "print(1)\n")
    code, out, err = cli("run", script, *argv)
    assert code == 2 and out == ""
    assert err.startswith("pycomsim: error: ") and words in err and err.count("\n") == 1
