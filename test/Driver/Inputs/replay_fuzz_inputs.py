"""Replays the checked-in fuzz reproducers (docs/fuzzing.md) through lpuc.

Usage: replay_fuzz_inputs.py LPUC LPU_OBJDUMP DIR OUT_DIR

Each DIR/*.onnx compiles as the fuzz target compiled it (lpu-v1 when its size
is 3 modulo 4, else lpu-tiny; --f64-as-f32). It must exit 0 or 1 within 20 s;
a refusal is exactly one 'lpuc: error:' line, and a binary must load
(lpu-objdump validates it). Prints one line per input; exits 1 on any failure.
"""
import os
import subprocess
import sys

lpuc, objdump, inputs, out_dir = sys.argv[1:5]
os.makedirs(out_dir, exist_ok=True)
failures = 0
names = sorted(n for n in os.listdir(inputs) if n.endswith(".onnx"))
for name in names:
    path = os.path.join(inputs, name)
    target = "lpu-v1" if os.path.getsize(path) % 4 == 3 else "lpu-tiny"
    binary = os.path.join(out_dir, name + ".lpu")
    try:
        run = subprocess.run(
            [lpuc, path, "--target=" + target, "--f64-as-f32", "-o", binary],
            capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        print(f"{name}: FAIL: no answer within 20 s")
        failures += 1
        continue
    lines = run.stderr.splitlines()
    if run.returncode == 0:
        check = subprocess.run([objdump, binary], capture_output=True)
        ok = check.returncode == 0
        verdict = "compiled" if ok else "compiled, but the binary does not load"
    elif run.returncode == 1:
        errors = [l for l in lines if l.startswith("lpuc: error:")]
        ok = len(errors) == 1 and lines[0] == errors[0]
        verdict = "refused" if ok else f"refused with {len(errors)} error lines"
    else:
        ok = False
        verdict = f"exit code {run.returncode}"
    print(f"{name}: {'ok' if ok else 'FAIL'}: {verdict}")
    if not ok:
        failures += 1
        sys.stdout.write("".join(f"  | {l}\n" for l in lines[:5]))
print(f"{len(names)} inputs, {failures} failed")
sys.exit(1 if failures else 0)
