"""Drives a kernel through failures a notebook user meets and checks it
stays usable: a compile error, a panic, and an infinite loop stopped by a
Jupyter interrupt. Prints one JSON object with what happened at each step.
Every wait is bounded.
"""
import json
import sys
import time
from queue import Empty

from jupyter_client.manager import start_new_kernel

KERNEL = sys.argv[1] if len(sys.argv) > 1 else "neuronb"
WAIT = 120


def execute(kc, code, interrupt_after=None, km=None):
    """Runs code; returns reply status, seconds, and the text of outputs."""
    t0 = time.monotonic()
    msg_id = kc.execute(code)
    interrupted_at = None
    texts, kinds = [], []
    deadline = t0 + WAIT
    reply = None
    while time.monotonic() < deadline:
        if interrupt_after is not None and interrupted_at is None and time.monotonic() - t0 > interrupt_after:
            km.interrupt_kernel()
            interrupted_at = time.monotonic() - t0
        try:
            msg = kc.get_shell_msg(timeout=0.2)
        except Empty:
            continue
        if msg["parent_header"].get("msg_id") == msg_id:
            reply = msg
            break
    # Collect the iopub messages of this request up to its idle status.
    while time.monotonic() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=2)
        except Empty:
            break
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        t = msg["msg_type"]
        c = msg["content"]
        if t == "status" and c.get("execution_state") == "idle":
            break
        if t in ("status", "execute_input"):
            continue
        kinds.append(t)
        if t == "stream":
            texts.append(c.get("text", ""))
        elif t == "error":
            texts.append(c.get("ename", "") + ": " + c.get("evalue", "") + "\n" + "\n".join(c.get("traceback", [])))
        elif t in ("display_data", "update_display_data", "execute_result"):
            texts.append(str(c.get("data", {}).get("text/html", "")) + str(c.get("data", {}).get("text/plain", "")))
    return {
        "status": reply["content"]["status"] if reply else "no reply",
        "seconds": round(time.monotonic() - t0, 2),
        "interrupted_at": interrupted_at,
        "kinds": kinds,
        "text": "".join(texts)[-3000:],
    }


def main():
    km, kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=WAIT)
    out = {}
    try:
        out["compile_error"] = execute(kc, '%%\nfmt.Println("a")\nundefinedThing(42)')
        out["after_compile_error"] = execute(kc, '%%\nfmt.Println("still alive 1")')
        out["panic"] = execute(kc, '%%\nvar m map[string]int\nm["x"] = 1')
        out["after_panic"] = execute(kc, '%%\nfmt.Println("still alive 2")')
        out["infinite_loop"] = execute(kc, '%%\nfmt.Println("looping")\nfor {}', interrupt_after=4, km=km)
        out["after_interrupt"] = execute(kc, '%%\nfmt.Println("still alive 3")')
    finally:
        kc.stop_channels()
        km.shutdown_kernel()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
