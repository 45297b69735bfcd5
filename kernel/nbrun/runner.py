"""Headless notebook execution for neuronb (driven by package nbrun).

Executes one notebook cell by cell with nbclient on a given kernel, within a
time budget for the whole notebook, stops at the first failing cell, and
writes a JSON report (plus, optionally, the executed notebook and its HTML
export). Failures are reported, never raised, so the caller always gets a
report it can turn into a clear message.
"""
import argparse
import math
import html
import json
import os
import re
import sys
import time
import traceback


def strip_html(text):
    # GoNB renders build errors as HTML; keep the message, drop the hover
    # context (which repeats the whole cell) and the styling.
    text = re.sub(r"(?s)<style.*?</style>", "", text)
    text = re.sub(r'(?s)<div class="gonb-err-context">.*?</div>\s*</div>', "", text)
    text = re.sub(r"(?s)<[^>]+>", "", text)
    text = html.unescape(text)
    lines = [l.rstrip() for l in text.splitlines()]
    # Drop the package header ("# gonb_1a2b3c4d") and the generated file's
    # position: the cell and line GoNB maps them to are what a user needs.
    lines = [re.sub(r"\./main\.go:\d+:\d+:\s*", "", l) for l in lines if not l.strip().startswith("# gonb_")]
    return "\n".join(l.strip() for l in lines if l.strip())


# GoNB names the cell line of an error in two forms: "Cell[2]: Line 3" in
# its rich error box and "[[ Cell [2] Line 3 ]]" in a panic's stack trace on
# stderr. Either may be missing (the trace annotation is lost when GoNB reads
# a file name split across two writes), so the runner looks in both.
CELL_LINE = re.compile(r"Cell\s*\[(\d+)\]\s*:?\s*Line\s*(\d+)")


def cell_line(*texts):
    """Returns the first cell line GoNB names in texts, or 0."""
    for t in texts:
        m = CELL_LINE.search(t or "")
        if m:
            return int(m.group(2))
    return 0


def problems_of(cell, strict_stderr):
    """Returns (errors, stderr_text) for an executed code cell."""
    errors, stderr, rich = [], [], []
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "error":
            tb = out.get("traceback") or []
            errors.append({"ename": out.get("ename", ""), "evalue": out.get("evalue", ""),
                           "traceback": "\n".join(re.sub(r"\x1b\[[0-9;]*m", "", t) for t in tb)})
        elif kind == "stream" and out.get("name") == "stderr":
            stderr.append(out.get("text", ""))
        elif kind == "display_data":
            h = out.get("data", {}).get("text/html", "")
            if isinstance(h, list):
                h = "".join(h)
            if "gonb-err" in h or "application/vnd.jupyter.stderr" in h:
                rich.append(strip_html(h))
    stderr_text = re.sub(r"\x1b\[[0-9;]*m", "", "".join(stderr))
    if errors and rich:
        # The error output of a failed build only says "exit status 1";
        # the compiler's message is in the rich HTML GoNB displayed before it.
        errors[0]["detail"] = "\n".join(rich)
    return errors, stderr_text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("notebook")
    ap.add_argument("--kernel", default="neuronb")
    ap.add_argument("--budget", type=float, default=180.0)
    ap.add_argument("--startup-timeout", type=float, default=120.0)
    ap.add_argument("--report", required=True)
    ap.add_argument("--executed")
    ap.add_argument("--html")
    ap.add_argument("--pid-file")
    ap.add_argument("--allow-stderr", action="store_true")
    ap.add_argument("--no-trust", action="store_true")
    a = ap.parse_args()

    report = {"notebook": a.notebook, "ok": False, "cells": [], "failure": None}
    start = time.monotonic()

    def write_report():
        report["seconds"] = round(time.monotonic() - start, 3)
        with open(a.report, "w") as f:
            json.dump(report, f, indent=1)

    try:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellTimeoutError, DeadKernelError
    except Exception as e:  # pragma: no cover - reported to the Go side
        report["failure"] = {"kind": "setup", "message": "cannot import nbclient/nbformat: %s" % e}
        write_report()
        return

    try:
        nb = nbformat.read(a.notebook, as_version=4)
    except Exception as e:
        report["failure"] = {"kind": "setup", "message": "cannot read notebook: %s" % e}
        write_report()
        return

    nbdir = os.path.dirname(os.path.abspath(a.notebook))
    client = NotebookClient(nb, kernel_name=a.kernel, timeout=int(math.ceil(a.budget)), startup_timeout=int(a.startup_timeout),
                            allow_errors=True, interrupt_on_timeout=True, record_timing=True,
                            resources={"metadata": {"path": nbdir}})
    code_index = 0
    try:
        with client.setup_kernel():
            try:
                if a.pid_file and client.km is not None:
                    pid = getattr(getattr(client.km, "provisioner", None), "pid", None)
                    if pid is None and getattr(client.km, "kernel", None) is not None:
                        pid = client.km.kernel.pid
                    if pid:
                        with open(a.pid_file, "w") as f:
                            f.write(str(pid))
            except Exception:
                pass
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                code_index += 1
                remaining = a.budget - (time.monotonic() - start)
                entry = {"index": index + 1, "code_index": code_index,
                         "source": cell.source[:400]}
                report["cells"].append(entry)
                if remaining <= 0:
                    report["failure"] = {"kind": "budget", "cell": index + 1, "code_index": code_index,
                                         "message": "time budget of %.0fs used up before this cell" % a.budget}
                    break
                client.timeout = max(1, int(math.ceil(remaining)))
                t0 = time.monotonic()
                try:
                    client.execute_cell(cell, index)
                except CellTimeoutError:
                    entry["seconds"] = round(time.monotonic() - t0, 3)
                    report["failure"] = {"kind": "budget", "cell": index + 1, "code_index": code_index,
                                         "message": "the notebook's time budget of %.0fs ran out in this cell (it was interrupted)" % a.budget}
                    break
                except DeadKernelError as e:
                    entry["seconds"] = round(time.monotonic() - t0, 3)
                    report["failure"] = {"kind": "kernel", "cell": index + 1, "code_index": code_index,
                                         "message": "the kernel died: %s" % e}
                    break
                entry["seconds"] = round(time.monotonic() - t0, 3)
                if time.monotonic() - t0 >= client.timeout - 0.5:
                    # nbclient interrupted the cell when its time ran out and
                    # the interrupted cell then reports an ordinary error.
                    report["failure"] = {"kind": "budget", "cell": index + 1, "code_index": code_index,
                                         "message": "the notebook's time budget of %.0fs ran out in this cell (it was interrupted)" % a.budget}
                    break
                errors, stderr = problems_of(cell, not a.allow_stderr)
                entry["stderr"] = stderr[-4000:]
                if errors:
                    e = errors[0]
                    msg = e.get("detail") or e.get("traceback") or e.get("evalue")
                    if stderr.strip() and stderr.strip() not in msg:
                        msg = stderr.strip() + "\n" + msg
                    report["failure"] = {"kind": "error", "cell": index + 1, "code_index": code_index,
                                         "line": cell_line(e.get("detail", ""), stderr, e.get("traceback", "")),
                                         "message": msg.strip()[-6000:]}
                    break
                if stderr.strip() and not a.allow_stderr:
                    report["failure"] = {"kind": "stderr", "cell": index + 1, "code_index": code_index,
                                         "message": "wrote to stderr:\n" + stderr.strip()[-4000:]}
                    break
    except Exception as e:
        report["failure"] = {"kind": "kernel", "message": "%s: %s" % (type(e).__name__, e),
                             "traceback": traceback.format_exc()[-4000:]}

    report["ok"] = report["failure"] is None
    try:
        if a.executed:
            if not a.no_trust:
                # The user asked for this run, like pressing Run All: sign the
                # result in their signature database, so JupyterLab and
                # Notebook 7 run its charts' scripts when it is opened.
                from nbformat.sign import NotebookNotary
                NotebookNotary().sign(nb)
            nbformat.write(nb, a.executed)
        if a.html:
            from nbconvert import HTMLExporter
            body, _ = HTMLExporter().from_notebook_node(nb)
            with open(a.html, "w", encoding="utf-8") as f:
                f.write(body)
    except Exception as e:
        if report["failure"] is None:
            report["ok"] = False
            report["failure"] = {"kind": "export", "message": "%s: %s" % (type(e).__name__, e)}
    write_report()


if __name__ == "__main__":
    main()
