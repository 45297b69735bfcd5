"""Measures per-cell latency over the Jupyter protocol, kernels side by side.

Reads a JSON spec on stdin:
  {"kernels": [name, ...], "setup": {name: [code, ...]}, "cells": {label: code},
   "only": {label: [name, ...]}, "reps": n, "first": {name: code}, "first_reps": n}
All kernels are started together; for each labelled cell, each kernel runs
it once to warm up, then the kernels take turns, repetition by repetition
(in a rotating order), so that a drift in the machine's speed affects them
alike and the ratio of a pair stays meaningful. Each execute_request ->
execute_reply is timed. "{rep}" in a cell is replaced by a counter, so that
every run compiles and links a new program, as a user's edited cell does
(GoNB skips the link of an unchanged program). "first" is the first cell
after a fresh kernel start (first_reps fresh starts per kernel, taken in
turns; the start-up itself is timed as "startup"). Prints JSON:
{name: {label: [seconds...], "first": [...], "startup": [...]}}, or, for a
kernel that fails, {name: {"error": message}}.
"""
import json
import sys
import time
from queue import Empty

from jupyter_client.manager import start_new_kernel

WAIT = 300


class CellFailed(Exception):
    pass


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
        if m["msg_type"] == "display_data":
            h = m["content"].get("data", {}).get("text/html", "")
            if "gonb-err" in h:
                errors.append(h[:2000])
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            break
    if r["content"]["status"] != "ok":
        raise CellFailed("cell failed: %r\n%s" % (code[:200], "\n".join(errors)[-2000:]))
    return dt


def start(kernel):
    t0 = time.perf_counter()
    km, kc = start_new_kernel(kernel_name=kernel, startup_timeout=WAIT)
    return km, kc, time.perf_counter() - t0


def stop(km, kc):
    kc.stop_channels()
    km.shutdown_kernel()


def main():
    spec = json.load(sys.stdin)
    names = spec["kernels"]
    out = {n: {"first": [], "startup": []} for n in names}
    failed = {}
    for i in range(spec.get("first_reps", 0)):
        for n in names[i % len(names):] + names[:i % len(names)]:
            if n in failed or n not in spec.get("first", {}):
                continue
            km, kc, st = start(n)
            try:
                for s in spec.get("setup", {}).get(n, []):
                    run(kc, s)
                out[n]["startup"].append(st)
                out[n]["first"].append(run(kc, spec["first"][n].replace("{rep}", str(i))))
            except CellFailed as e:
                failed[n] = str(e)
            finally:
                stop(km, kc)
    live = {}
    try:
        for n in names:
            if n in failed:
                continue
            km, kc, _ = start(n)
            live[n] = (km, kc)
            try:
                for s in spec.get("setup", {}).get(n, []):
                    run(kc, s)
            except CellFailed as e:
                failed[n] = str(e)
        for label, code in spec.get("cells", {}).items():
            on = [n for n in spec.get("only", {}).get(label, names) if n in live and n not in failed]
            for n in on:
                try:
                    run(live[n][1], code.replace("{rep}", "warm-up"))  # may build the cell's packages
                    out[n][label] = []
                except CellFailed as e:
                    failed[n] = str(e)
            for i in range(spec["reps"]):
                order = on[i % len(on):] + on[:i % len(on)] if on else []
                for n in order:
                    if n in failed:
                        continue
                    try:
                        out[n][label].append(run(live[n][1], code.replace("{rep}", str(i))))
                    except CellFailed as e:
                        failed[n] = str(e)
    finally:
        for km, kc in live.values():
            stop(km, kc)
    for n, e in failed.items():
        out[n] = {"error": e}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
