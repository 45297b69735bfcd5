"""Helpers the kernel test scripts share (imported from the same folder)."""
import time
from queue import Empty


class CellFailed(Exception):
    pass


def execute(kc, code, timeout=300):
    """Runs code and waits for its reply and for the kernel to go idle.

    Returns (seconds from execute_request to execute_reply, the stdout text).
    Raises CellFailed with the cell's errors (error outputs, stderr, GoNB's
    rich error boxes) when the reply is not "ok".
    """
    t0 = time.perf_counter()
    msg_id = kc.execute(code)
    deadline = time.monotonic() + timeout
    while True:
        r = kc.get_shell_msg(timeout=max(1, deadline - time.monotonic()))
        if r["parent_header"].get("msg_id") == msg_id:
            break
    dt = time.perf_counter() - t0
    out, errors = [], []
    while True:
        try:
            m = kc.get_iopub_msg(timeout=5)
        except Empty:
            break
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = m["msg_type"], m["content"]
        if kind == "error":
            errors.append(content.get("evalue", ""))
        elif kind == "stream" and content.get("name") == "stderr":
            errors.append(content.get("text", ""))
        elif kind == "stream":
            out.append(content.get("text", ""))
        elif kind == "display_data" and "gonb-err" in content.get("data", {}).get("text/html", ""):
            errors.append(content["data"]["text/html"][:2000])
        elif kind == "status" and content["execution_state"] == "idle":
            break
    if r["content"]["status"] != "ok":
        raise CellFailed("cell failed: %r\n%s" % (code[:200], "\n".join(errors)[-2000:]))
    return dt, "".join(out)
