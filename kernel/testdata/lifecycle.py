"""Ends neuronb kernels in the ways a kernel can end, for kernel_test.go.

usage: lifecycle.py KERNEL MODE, MODE one of
  kill      SIGKILL of the kernel's process group (shutdown_kernel(now=True))
  killpid   SIGKILL of the kernel process alone
  graceful  shutdown_request, the kernel exits by itself
  restart   Restart while a cell is busy in `for {}`

Two kernels are started: "victim", which is ended as MODE says, and
"bystander", which runs beside it and is shut down gracefully at the end.
The script talks to the Go test in JSON lines on stdout and waits for a line
on stdin at each checkpoint, so the test can look at the processes:

  {"event": "ready", "victim": {...}, "bystander": {...}}   -> test checks, writes a line
  {"event": "ended", "victim": {...new kernel for restart...}}  -> test checks, writes a line
  {"event": "done"}
Each kernel is described by its pid, its private directory and its build
folder, as printed by a cell.
"""
import json
import os
import signal
import sys
import time

from jupyter_client.manager import start_new_kernel

from kernelclient import execute

WAIT = 120


def say(**kw):
    print(json.dumps(kw), flush=True)


def checkpoint():
    if not sys.stdin.readline():
        raise SystemExit("the test went away")


def complete(kc):
    # A completion makes GoNB talk to gopls. While gopls still loads the
    # workspace (~10 s on an idle machine, minutes on a busy one) GoNB
    # answers at once with an error or no matches, as a user pressing Tab
    # too early sees; ask again until gopls answers or WAIT runs out.
    code = "%%\nfmt.Pri"
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        msg_id = kc.complete(code, len(code))
        while time.monotonic() < deadline:
            r = kc.get_shell_msg(timeout=max(1, deadline - time.monotonic()))
            if r["parent_header"].get("msg_id") == msg_id:
                break
        matches = r["content"].get("matches", []) if r["content"].get("status") == "ok" else []
        if matches:
            return matches
        time.sleep(1)
    return []


def describe(km, kc):
    _, out = execute(kc, '%%\nfmt.Println(os.Getenv("NEURONB_KERNEL_DIR"))\nfmt.Println(os.Getenv("GONB_TMP_DIR"))', WAIT)
    lines = out.split()
    return {"pid": km.provisioner.pid if km.provisioner else km.kernel.pid,
            "dir": lines[0] if lines else "", "gonb_dir": lines[1] if len(lines) > 1 else "",
            "completions": complete(kc)[:5]}


def main():
    kernel, mode = sys.argv[1], sys.argv[2]
    vkm, vkc = start_new_kernel(kernel_name=kernel, startup_timeout=WAIT)
    bkm, bkc = start_new_kernel(kernel_name=kernel, startup_timeout=WAIT)
    try:
        victim, bystander = describe(vkm, vkc), describe(bkm, bkc)
        say(event="ready", victim=victim, bystander=bystander)
        checkpoint()
        after = {}
        if mode == "kill":
            vkc.stop_channels()
            vkm.shutdown_kernel(now=True)
        elif mode == "killpid":
            os.kill(victim["pid"], signal.SIGKILL)
            vkc.stop_channels()
        elif mode == "graceful":
            vkc.stop_channels()
            vkm.shutdown_kernel()
        elif mode == "restart":
            vkc.execute("%%\nfor {}")
            time.sleep(3)
            vkm.restart_kernel(now=False)
            vkc.stop_channels()
            vkc = vkm.client()
            vkc.start_channels()
            vkc.wait_for_ready(timeout=WAIT)
            after = describe(vkm, vkc)
        else:
            raise SystemExit("unknown mode %r" % mode)
        say(event="ended", victim=after)
        checkpoint()
        if mode == "restart":
            vkc.stop_channels()
            vkm.shutdown_kernel()
        bkc.stop_channels()
        bkm.shutdown_kernel()
        say(event="done")
    finally:
        for km in (vkm, bkm):
            try:
                if km.is_alive():
                    km.shutdown_kernel(now=True)
            except Exception:
                pass


if __name__ == "__main__":
    main()
