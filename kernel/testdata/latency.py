"""Measures per-cell latency over the Jupyter protocol.

Reads a JSON spec on stdin:
  {"kernel": name, "setup": [code, ...], "cells": {label: code}, "reps": n,
   "first": code, "first_reps": n}
For each kernel start it runs the setup cells, then each labelled cell reps
times, timing execute_request -> execute_reply. "{rep}" in a cell is replaced
by a counter, so that every run compiles and links a new program, as a
user's edited cell does (GoNB skips the link of an unchanged program). "first" is timed as the
first cell after a fresh kernel start (first_reps fresh kernels; kernel
start-up itself is timed separately). Prints JSON: label -> [seconds...],
plus "first" and "startup". A cell that fails aborts with its error.
"""
import json
import sys
import time
from queue import Empty

from jupyter_client.manager import start_new_kernel

WAIT = 300


def run(kc, code):
    t0 = time.perf_counter()
    msg_id = kc.execute(code)
    while True:
        r = kc.get_shell_msg(timeout=WAIT)
        if r["parent_header"].get("msg_id") == msg_id:
            break
    dt = time.perf_counter() - t0
    errors = []
    while True:
        try:
            m = kc.get_iopub_msg(timeout=5)
        except Empty:
            break
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["msg_type"] == "error":
            errors.append(m["content"].get("evalue", ""))
        if m["msg_type"] == "stream" and m["content"].get("name") == "stderr":
            errors.append(m["content"].get("text", ""))
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            break
    if r["content"]["status"] != "ok":
        raise SystemExit("cell failed: %r\n%s" % (code[:200], "\n".join(errors)))
    return dt


def start(kernel):
    t0 = time.perf_counter()
    km, kc = start_new_kernel(kernel_name=kernel, startup_timeout=WAIT)
    return km, kc, time.perf_counter() - t0


def main():
    spec = json.load(sys.stdin)
    out = {"first": [], "startup": []}
    for _ in range(spec.get("first_reps", 0)):
        km, kc, st = start(spec["kernel"])
        try:
            for s in spec.get("first_setup", []):
                run(kc, s)
            out["startup"].append(st)
            out["first"].append(run(kc, spec["first"].replace("{rep}", str(len(out["first"])))))
        finally:
            kc.stop_channels()
            km.shutdown_kernel()
    km, kc, _ = start(spec["kernel"])
    try:
        for s in spec.get("setup", []):
            run(kc, s)
        for label, code in spec.get("cells", {}).items():
            run(kc, code.replace("{rep}", "warm-up"))  # may build the cell's packages
            out[label] = [run(kc, code.replace("{rep}", str(i))) for i in range(spec["reps"])]
    finally:
        kc.stop_channels()
        km.shutdown_kernel()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
