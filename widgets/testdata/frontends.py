"""End-to-end tests of neuronb in real front ends (driven by
widgets/frontends_test.go).

usage: frontends.py FRONTEND NOTEBOOK_DIR ARTIFACTS_DIR [--python PY]
FRONTEND is "lab" (JupyterLab 4), "notebook7" or "classic" (Notebook 6).

Starts the front end's server on loopback with a token and fresh config,
workspace and runtime directories, opens the tutorials in NOTEBOOK_DIR in
headless Chromium (Debian's, through Playwright; no browser is downloaded)
and exercises them as a user would. Prints one JSON object: {"checks":
[{"name", "ok", "detail"}], "seconds": ...}. The Go test runs it inside a
network namespace with only loopback, so nothing may need the network.
"""
import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

checks = []


def check(name, ok, detail=""):
    checks.append({"name": name, "ok": bool(ok), "detail": str(detail)[:2000]})
    print(("ok   " if ok else "FAIL ") + name + (": " + str(detail)[:300] if detail else ""), file=sys.stderr, flush=True)
    return ok


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


# ---- what every front end's page is checked for --------------------------------

# Every chart of neuronb's outputs: interactive containers drawn by their
# script (a non-blank ECharts canvas), and every image (static figures, and
# the pictures of interactive charts where no script ran) loaded and not
# blank. Returns counts and the failures.
MEASURE = r"""async (opts) => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const inkOf = (src, w, h) => {
    const c = document.createElement("canvas"); c.width = w; c.height = h;
    const g = c.getContext("2d"); g.drawImage(src, 0, 0, w, h);
    const d = g.getImageData(0, 0, w, h).data;
    let ink = 0, n = 0;
    for (let i = 0; i < d.length; i += 16) { n++; if (d[i + 3] > 8 && (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240)) ink++; }
    return n ? ink / n : 0;
  };
  const out = {containers: 0, drawn: 0, canvases: 0, blankCanvases: [], pictures: 0, blankPictures: [], images: 0, blankImages: [], undrawn: []};
  // Only the notebook in front (JupyterLab keeps other tabs in the page).
  const app = window.jupyterapp, cur = app && app.shell.currentWidget;
  const root = cur && cur.content ? cur.node : document;
  const boxes = [...root.querySelectorAll("[data-neuronb]")];
  for (const box of boxes) {
    out.containers++;
    box.scrollIntoView({block: "center"});
    if (opts.live) {
      for (let i = 0; i < 100 && !box.getAttribute("data-neuronb-drawn"); i++) await sleep(100);
      if (!box.getAttribute("data-neuronb-drawn")) { out.undrawn.push(box.id); continue; }
      out.drawn++;
      await sleep(150);
      for (const cv of box.querySelectorAll("canvas")) {
        if (!cv.width || !cv.height) continue;
        out.canvases++;
        const ink = inkOf(cv, cv.width, cv.height);
        if (ink < 0.005) out.blankCanvases.push(box.id + " " + ink.toFixed(4));
      }
    } else {
      out.canvases += box.querySelectorAll("canvas").length;
      const img = box.querySelector("img.neuronb-picture, img.neuronb-frame");
      if (!img) { out.blankPictures.push(box.id + " (no picture)"); continue; }
      out.pictures++;
      if (!img.complete) await new Promise((r) => { img.onload = img.onerror = r; });
      const ink = img.naturalWidth ? inkOf(img, img.naturalWidth, img.naturalHeight) : 0;
      if (ink < 0.01) out.blankPictures.push(box.id + " " + ink.toFixed(4));
    }
  }
  if (!opts.live) {
    // Sanitized (untrusted) outputs lose their data- attributes: find the
    // pictures by class.
    out.canvases += root.querySelectorAll(".jp-OutputArea-output canvas").length;
    for (const img of root.querySelectorAll("img.neuronb-picture, img.neuronb-frame")) {
      if (img.closest("[data-neuronb]")) continue;
      img.scrollIntoView({block: "center"});
      out.pictures++;
      if (!img.complete) await new Promise((r) => { img.onload = img.onerror = r; });
      const ink = img.naturalWidth ? inkOf(img, img.naturalWidth, img.naturalHeight) : 0;
      if (ink < 0.01) out.blankPictures.push("picture " + out.pictures + " " + ink.toFixed(4));
    }
  }
  for (const img of root.querySelectorAll(".jp-OutputArea-output img, .output_area img")) {
    if (img.closest("[data-neuronb]") || img.matches(".neuronb-picture, .neuronb-frame")) continue;
    img.scrollIntoView({block: "center"});
    out.images++;
    if (!img.complete) await new Promise((r) => { img.onload = img.onerror = r; });
    const ink = img.naturalWidth ? inkOf(img, img.naturalWidth, img.naturalHeight) : 0;
    if (ink < 0.005) out.blankImages.push((img.alt || img.src.slice(0, 40)) + " " + ink.toFixed(4));
  }
  return out;
}"""

ERRORS_LAB = r"""() => {
  const errs = [];
  for (const o of document.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
    errs.push(o.innerText.slice(0, 300));
  return errs;
}"""


def interactive_outputs(path):
    """The interactive outputs a notebook file holds."""
    with open(path) as f:
        nb = json.load(f)
    n = 0
    for c in nb["cells"]:
        for o in c.get("outputs", []):
            html = o.get("data", {}).get("text/html", "")
            if "data-neuronb=" in ("".join(html) if isinstance(html, list) else html):
                n += 1
    return n


def report_charts(tag, page, live, min_containers, expected=0):
    m = page.evaluate(MEASURE, {"live": live})
    if not live:
        check(tag + ": every interactive chart shows its picture, no live chart", m["pictures"] >= expected >= min_containers
              and not m["blankPictures"] and m["canvases"] == 0, dict(m, expected=expected))
        check(tag + ": every image draws", not m["blankImages"], m)
        return m
    if live:
        check(tag + ": every interactive chart draws", m["containers"] >= min_containers and not m["undrawn"] and not m["blankCanvases"]
              and m["canvases"] >= 1, m)
    else:
        check(tag + ": every interactive chart shows its picture, no live chart", m["containers"] >= min_containers and m["pictures"] == m["containers"]
              and not m["blankPictures"] and m["canvases"] == 0, m)
    check(tag + ": every image draws", not m["blankImages"], m)
    return m


# ---- servers ---------------------------------------------------------------------

class Server:
    def __init__(self, frontend, nbdir, python):
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.home = tempfile.mkdtemp(prefix="neuronb-frontend-")
        env = dict(os.environ)
        env.update({"JUPYTER_CONFIG_DIR": os.path.join(self.home, "config"),
                    "JUPYTER_RUNTIME_DIR": os.path.join(self.home, "runtime"),
                    "JUPYTERLAB_WORKSPACES_DIR": os.path.join(self.home, "workspaces"),
                    "JUPYTERLAB_SETTINGS_DIR": os.path.join(self.home, "settings")})
        settings = os.path.join(self.home, "settings")
        # All cells stay rendered (no windowing), and no news or update
        # checks, which would reach for the network.
        for plugin, value in [("@jupyterlab/notebook-extension/tracker.jupyterlab-settings", {"windowingMode": "none"}),
                              ("@jupyterlab/apputils-extension/notification.jupyterlab-settings", {"fetchNews": "false", "checkForUpdates": False})]:
            p = os.path.join(settings, plugin)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w") as f:
                json.dump(value, f)
        common = ["--no-browser", "--ip=127.0.0.1", "--port=%d" % self.port]
        if frontend == "classic":
            cmd = [python, "-m", "notebook"] + common + ["--NotebookApp.token=" + self.token, "--notebook-dir=" + nbdir]
        else:
            app = "jupyterlab" if frontend == "lab" else "notebook"
            cmd = [python, "-m", app] + common + ["--ServerApp.token=" + self.token, "--ServerApp.root_dir=" + nbdir,
                                                  "--LabApp.expose_app_in_browser=True" if frontend == "lab" else "--JupyterNotebookApp.expose_app_in_browser=True"]
        if os.geteuid() == 0:
            cmd.append("--allow-root")
        self.log = open(os.path.join(self.home, "server.log"), "w")
        self.proc = subprocess.Popen(cmd, env=env, stdout=self.log, stderr=subprocess.STDOUT, cwd=nbdir)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.3)
        raise SystemExit("the %s server did not start:\n%s" % (frontend, self.tail()))

    def url(self, path):
        return "http://127.0.0.1:%d/%s?token=%s" % (self.port, path, self.token)

    def tail(self):
        self.log.flush()
        with open(os.path.join(self.home, "server.log")) as f:
            return f.read()[-3000:]

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.home, ignore_errors=True)


# ---- JupyterLab 4 and Notebook 7 (both JupyterLab applications) ------------------

def lab_open(page, server, path, app_path):
    # Save what is open (no "leave the page?" question), then load the page
    # with a reset workspace, so that the notebook asked for is the only one
    # open and the current widget.
    try:
        page.evaluate("""async () => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
          if (w && w.context) await w.context.save(); }""")
    except Exception:  # noqa: BLE001 - no page yet
        pass
    page.goto(server.url(app_path + path) + "&reset")
    page.wait_for_function("""(p) => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
      return w && w.context && w.context.path.endsWith(p) && w.content && w.content.widgets.length > 0; }""", arg=path, timeout=60000)
    wait_kernel_idle(page, 120)


def wait_kernel_idle(page, seconds):
    # The kernel is connected and says it is idle. (Plain GoNB v0.11.4 reads
    # "unknown" here until a cell has run: its replies carry the request's
    # session, which JupyterLab 4 drops, and it leaves history_request
    # unanswered; the supervisor's relay fixes both.)
    page.wait_for_function("""() => {
      const n = window.jupyterapp && window.jupyterapp.shell.currentWidget;
      const k = n && n.sessionContext && n.sessionContext.session && n.sessionContext.session.kernel;
      return k && k.connectionStatus === "connected" && k.status === "idle";
    }""", timeout=seconds * 1000, polling=250)


def lab_run_all(page, seconds):
    # commands.execute's promise settles when the cells have run: do not
    # wait for it here (an endless cell would block this call forever).
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    page.wait_for_function("""() => {
      const n = window.jupyterapp.shell.currentWidget;
      if (!n || n.sessionContext.session.kernel.status !== "idle") return false;
      // Every code cell ran (the model's execution counts: a cell whose
      // source is collapsed shows no prompt).
      const cells = n.content.widgets.filter((w) => w.model.type === "code");
      return cells.length > 0 && cells.every((w) => w.model.executionCount !== null);
    }""", timeout=seconds * 1000, polling=500)


def run_cell(page):
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-cell'); }")


def lab_new_cell(page, code):
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:insert-cell-below')")
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:enter-edit-mode')")
    page.evaluate("() => window.jupyterapp.shell.currentWidget.content.activeCell.editor.focus()")
    page.keyboard.type(code)


def lab_output_text(page):
    return page.evaluate("() => window.jupyterapp.shell.currentWidget.content.activeCell.outputArea.node.innerText")


def lab_wait_output(page, text, seconds):
    # A cell just run can still read "idle" for a moment (its busy status
    # has not arrived yet), so wait for what it prints, not for idle.
    try:
        page.wait_for_function("(t) => window.jupyterapp.shell.currentWidget.content.activeCell.outputArea.node.innerText.includes(t)",
                               arg=text, timeout=seconds * 1000, polling=250)
    except Exception:  # noqa: BLE001 - the caller's check reports it
        pass
    return text in lab_output_text(page)


def run_lab(server, nbdir, art, frontend):
    app_path = "lab/tree/" if frontend == "lab" else "notebooks/"
    tag = "JupyterLab 4" if frontend == "lab" else "Notebook 7"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ctx = browser.new_context(viewport={"width": 1280, "height": 1000})
        page = ctx.new_page()
        console = []
        page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
        try:
            names = ["00_getting_started.ipynb", "01_charts.ipynb"] if frontend == "lab" else ["01_charts.ipynb"]
            for nb in names:
                t0 = time.monotonic()
                try:
                    lab_open(page, server, nb, app_path)
                    check("%s %s: the kernel reports idle before any cell runs" % (tag, nb), True, "%.1fs after opening" % (time.monotonic() - t0))
                except Exception as e:  # noqa: BLE001 - reported, then go on
                    status = page.evaluate("""() => { const n = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                      const k = n && n.sessionContext && n.sessionContext.session && n.sessionContext.session.kernel;
                      return k ? k.status + "/" + k.connectionStatus : "no kernel"; }""")
                    check("%s %s: the kernel reports idle before any cell runs" % (tag, nb), False, "%s: %s" % (status, str(e)[:200]))
                kernel = page.evaluate("() => { const n = window.jupyterapp.shell.currentWidget; return n && n.sessionContext ? n.sessionContext.kernelDisplayName : ''; }")
                check("%s %s: runs on the Go (neuronb) kernel" % (tag, nb), kernel == "Go (neuronb)", kernel)
                if nb == "01_charts.ipynb":
                    # Watch the progress bar's output while the notebook runs.
                    page.evaluate("""() => { window.__progress = new Set();
                      new MutationObserver(() => { for (const el of document.querySelectorAll(".neuronb-progress")) window.__progress.add(el.innerText); })
                        .observe(document.body, {subtree: true, childList: true, characterData: true}); }""")
                lab_run_all(page, 240)
                check("%s %s: Run All finishes" % (tag, nb), True, "%.1fs" % (time.monotonic() - t0))
                errs = page.evaluate(ERRORS_LAB)
                check("%s %s: no cell writes an error" % (tag, nb), not errs, errs)
                report_charts("%s %s" % (tag, nb), page, True, 3)
                page.screenshot(path=os.path.join(art, "%s-%s.png" % (frontend, nb.replace(".ipynb", ""))), full_page=False)
            if frontend != "lab":
                return
            # 01_charts is open: the progress bar, the slider, completion,
            # interrupt, restart, save/reopen, untrusted.
            states = page.evaluate("() => [...window.__progress]")
            outputs = page.evaluate("""() => { const el = document.querySelector(".neuronb-progress");
              return el ? el.closest(".jp-OutputArea").querySelectorAll(".jp-OutputArea-child").length : 0; }""")
            check("lab: a progress bar updates in place in one output", len(states) >= 3 and outputs == 1, {"states": len(states), "outputs": outputs, "last": states[-1:] if states else None})
            frames = page.evaluate("""async () => {
              const box = [...document.querySelectorAll(".neuronb-control")].find((b) => b.querySelector("input[type=range]"));
              if (!box) return null;
              box.scrollIntoView({block: "center"});
              const input = box.querySelector("input[type=range]");
              const sig = () => { const c = box.querySelector("canvas"); const i = box.querySelector("img.neuronb-frame");
                return c ? c.toDataURL().length + ":" + c.toDataURL().slice(-64) : (i ? i.src.slice(-64) : ""); };
              const before = [box.getAttribute("data-neuronb-frame"), sig()];
              input.value = String(Math.min(3, +input.max)); input.dispatchEvent(new Event("input", {bubbles: true}));
              await new Promise((r) => setTimeout(r, 600));
              return {before, after: [box.getAttribute("data-neuronb-frame"), sig()], label: box.querySelector(".neuronb-frame-label").textContent};
            }""")
            check("lab: a slider switches frames", frames and frames["after"][0] == "3" and frames["after"][1] != frames["before"][1], frames)

            lab_new_cell(page, "%%\nfmt.Pri")
            page.keyboard.press("Tab")
            try:
                page.wait_for_selector(".jp-Completer-item", timeout=60000)
                items = page.locator(".jp-Completer-item").all_inner_texts()
            except Exception as e:  # noqa: BLE001 - reported
                state = page.evaluate("""async () => { const n = window.jupyterapp.shell.currentWidget; const c = n.content.activeCell;
                  const code = c.model.sharedModel.getSource(); const k = n.sessionContext.session.kernel;
                  let reply = null;
                  try { const r = await k.requestComplete({code, cursor_pos: code.length}); reply = r.content.matches.slice(0, 5); } catch (err) { reply = String(err); }
                  return {code, focused: document.activeElement && document.activeElement.className, mode: n.content.mode, kernelMatches: reply}; }""")
                items = ["no completer: %s" % str(e)[:200], state]
            check("lab: Tab completion in a %% cell offers fmt.Println", any("Println" in i for i in items), items[:8])
            page.keyboard.press("Escape")
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:delete-cell')")

            lab_new_cell(page, "%%\nfmt.Println(\"looping\")\nfor {}")
            run_cell(page)
            page.wait_for_function("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'busy'", timeout=60000)
            time.sleep(3)
            t0 = time.monotonic()
            page.locator('.jp-NotebookPanel-toolbar [data-command="notebook:interrupt-kernel"]').first.click()
            wait_kernel_idle(page, 60)
            stopped = time.monotonic() - t0
            lab_new_cell(page, "%%\nfmt.Println(\"after the interrupt\")")
            run_cell(page)
            check("lab: the Interrupt button stops an endless cell and the next cell runs", lab_wait_output(page, "after the interrupt", 60), "stopped %.1fs after the click" % stopped)

            page.locator('.jp-NotebookPanel-toolbar [data-command="notebook:restart-kernel"]').first.click()
            page.locator(".jp-Dialog .jp-mod-accept").click()
            wait_kernel_idle(page, 120)
            lab_new_cell(page, "%%\nfmt.Println(\"after the restart\")")
            run_cell(page)
            check("lab: Restart Kernel works", lab_wait_output(page, "after the restart", 60))

            page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
            page.wait_for_timeout(1500)
            page.evaluate("() => window.jupyterapp.commands.execute('application:close-all')")
            page.wait_for_timeout(500)
            lab_open(page, server, "01_charts.ipynb", app_path)
            report_charts("lab: saved, closed and reopened (trusted)", page, True, 3)
            page.screenshot(path=os.path.join(art, "lab-01_charts-reopened.png"))

            # The same file as a colleague would receive it: not signed in
            # this user's database.
            with open(os.path.join(nbdir, "01_charts.ipynb")) as f:
                nbj = json.load(f)
            nbj["metadata"]["neuronb_copy"] = "from a colleague"
            with open(os.path.join(nbdir, "untrusted.ipynb"), "w") as f:
                json.dump(nbj, f)
            lab_open(page, server, "untrusted.ipynb", app_path)
            page.wait_for_timeout(2000)
            trusted = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.model.cells.get(0) && [...Array(window.jupyterapp.shell.currentWidget.content.model.cells.length).keys()].some((i) => window.jupyterapp.shell.currentWidget.content.model.cells.get(i).trusted)")
            check("lab: a notebook from a colleague opens untrusted", not trusted)
            report_charts("lab: the same notebook untrusted", page, False, 3, interactive_outputs(os.path.join(nbdir, "untrusted.ipynb")))
            page.screenshot(path=os.path.join(art, "lab-01_charts-untrusted.png"))
        except Exception:
            try:
                page.screenshot(path=os.path.join(art, "%s-failure.png" % frontend))
                print("state at failure:", page.evaluate("""() => { const n = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                  const k = n && n.sessionContext && n.sessionContext.session && n.sessionContext.session.kernel;
                  return {status: k && k.status, connection: k && k.connectionStatus,
                          prompts: [...document.querySelectorAll(".jp-CodeCell .jp-InputPrompt")].map((p) => p.textContent).join(" ")}; }"""), file=sys.stderr)
            except Exception as e:  # noqa: BLE001
                print("no state at failure:", e, file=sys.stderr)
            raise
        finally:
            if console:
                check("%s: no JavaScript errors from neuronb" % tag, not [c for c in console if "neuronb" in c], console[:10])
            browser.close()


# ---- classic Notebook 6 ----------------------------------------------------------

def run_classic(server, nbdir, art):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        try:
            nb = "01_charts.ipynb"
            t0 = time.monotonic()
            page.goto(server.url("notebooks/" + nb))
            page.wait_for_function("() => window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()", timeout=120000)
            name = page.evaluate("() => Jupyter.notebook.kernel.name")
            check("classic Notebook 6 %s: runs on the neuronb kernel" % nb, name == "neuronb", name)
            page.evaluate("() => Jupyter.notebook.execute_all_cells()")
            page.wait_for_function("""() => Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code")
              .every((c) => typeof c.input_prompt_number === "number") && !Jupyter.notebook.kernel_busy""", timeout=300000, polling=500)
            check("classic Notebook 6 %s: Run All finishes" % nb, True, "%.1fs" % (time.monotonic() - t0))
            errs = page.evaluate("() => [...document.querySelectorAll('.output_stderr, .output_error')].map((e) => e.innerText.slice(0, 300))")
            check("classic Notebook 6 %s: no cell writes an error" % nb, not errs, errs)
            report_charts("classic Notebook 6 " + nb, page, True, 3)
            page.screenshot(path=os.path.join(art, "classic-01_charts.png"))
        finally:
            browser.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("frontend", choices=["lab", "notebook7", "classic"])
    ap.add_argument("nbdir")
    ap.add_argument("artifacts")
    ap.add_argument("--python", default=sys.executable)
    a = ap.parse_args()
    os.makedirs(a.artifacts, exist_ok=True)
    t0 = time.monotonic()
    server = Server(a.frontend, a.nbdir, a.python)
    try:
        if a.frontend == "classic":
            run_classic(server, a.nbdir, a.artifacts)
        else:
            run_lab(server, a.nbdir, a.artifacts, a.frontend)
    except Exception as e:  # noqa: BLE001 - reported as a failed check
        import traceback
        check("%s: the test ran to its end" % a.frontend, False, "%s\n%s\nserver log:\n%s" % (e, traceback.format_exc()[-1500:], server.tail()[-1500:]))
    finally:
        server.stop()
    print(json.dumps({"checks": checks, "seconds": round(time.monotonic() - t0, 1)}))


if __name__ == "__main__":
    main()
