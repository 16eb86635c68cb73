"""Runs a command that must refuse its input: exit code 1, within a time and
memory budget (issue 16: hostile input is answered within 2 s and 200 MB).

Usage: refused_within.py SECONDS MIB COMMAND...

Passes the command's stdout and stderr through. Exits 0 when the command
exited 1 within SECONDS of wall time and MIB of peak resident memory;
otherwise says which bound it broke and exits 1. A command still running
after ten times SECONDS is killed.
"""
import os
import subprocess
import sys
import threading
import time

seconds, mib = float(sys.argv[1]), float(sys.argv[2])
start = time.monotonic()
child = subprocess.Popen(sys.argv[3:])
guard = threading.Timer(seconds * 10, child.kill)
guard.start()
_, status, usage = os.wait4(child.pid, 0)
guard.cancel()
elapsed = time.monotonic() - start
child.returncode = code = os.waitstatus_to_exitcode(status)
peak_mib = usage.ru_maxrss / 1024  # Linux reports KiB
problems = []
if code != 1:
    problems.append(f"exit code {code}, expected 1")
if elapsed > seconds:
    problems.append(f"took {elapsed:.2f} s, more than {seconds:g} s")
if peak_mib > mib:
    problems.append(f"peaked at {peak_mib:.0f} MiB, more than {mib:g} MiB")
if problems:
    print("refused_within: " + "; ".join(problems), file=sys.stderr)
    sys.exit(1)
