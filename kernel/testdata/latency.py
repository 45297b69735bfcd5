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

from jupyter_client.manager import start_new_kernel

from kernelclient import CellFailed, execute

WAIT = 300


def run(kc, code):
    return execute(kc, code, WAIT)[0]


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
