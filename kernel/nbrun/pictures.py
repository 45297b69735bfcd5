"""Checks what an executed notebook's interactive charts show where no
script runs (driven by package nbrun's CheckPictures).

Every text/html output that holds a widgets container (data-neuronb) is
sanitized the way JupyterLab sanitizes the HTML of an untrusted notebook
(and code-hosting views do): <script>, <style>, <iframe>, <object>, <embed>
and <svg> elements go, event-handler attributes (on*) go, javascript: URLs
go. The sanitized outputs are put on one page, opened in headless Chromium
(Debian's, through Playwright) and, for each container, the picture inside
it is measured: loaded, drawn at a size, and the share of non-white pixels.
Prints one JSON object.

usage: pictures.py NOTEBOOK [--screenshot PNG]
"""
import argparse
import json
import re
import sys

STRIP_ELEMENTS = ("script", "style", "iframe", "object", "embed", "svg")


def sanitize(h):
    for tag in STRIP_ELEMENTS:
        h = re.sub(r"(?is)<%s\b.*?</%s\s*>" % (tag, tag), "", h)
        h = re.sub(r"(?is)<%s\b[^>]*/?>" % tag, "", h)
    h = re.sub(r"""(?i)\s+on[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", "", h)
    h = re.sub(r"""(?i)(href|src)\s*=\s*(["'])\s*javascript:[^"']*\2""", r'\1=""', h)
    return h


def outputs_of(path):
    import nbformat
    nb = nbformat.read(path, as_version=4)
    found = []
    for ci, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for oi, out in enumerate(cell.get("outputs", [])):
            h = out.get("data", {}).get("text/html", "") if out.get("output_type") in ("display_data", "execute_result") else ""
            if isinstance(h, list):
                h = "".join(h)
            if "data-neuronb=" in h and ("neuronb-figure" in h or "neuronb-control" in h):
                found.append({"cell": ci + 1, "output": oi, "html": h})
    return found


MEASURE = r"""async () => {
  const out = [];
  for (const box of document.querySelectorAll("[data-neuronb]")) {
    const r = {cell: +box.closest("[data-cell]").dataset.cell, id: box.getAttribute("data-neuronb"),
               kind: box.classList.contains("neuronb-control") ? "control" : "figure",
               canvases: box.querySelectorAll("canvas").length};
    const img = box.querySelector("img.neuronb-picture, img.neuronb-frame");
    if (!img) { r.picture = false; out.push(r); continue; }
    r.picture = true;
    if (!img.complete) await new Promise((res) => { img.onload = img.onerror = res; });
    r.natural = [img.naturalWidth, img.naturalHeight];
    const rect = img.getBoundingClientRect();
    r.shown = [Math.round(rect.width), Math.round(rect.height)];
    const c = document.createElement("canvas");
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    const g = c.getContext("2d");
    g.drawImage(img, 0, 0);
    let ink = 0, n = 0;
    if (c.width && c.height) {
      const d = g.getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < d.length; i += 16) {
        n++;
        if (d[i + 3] > 0 && (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240)) ink++;
      }
    }
    r.ink = n ? ink / n : 0;
    out.push(r);
  }
  return out;
}"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("notebook")
    ap.add_argument("--screenshot")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    a = ap.parse_args()
    outs = outputs_of(a.notebook)
    page_html = ["<!DOCTYPE html><html><head><meta charset='utf-8'></head><body style='width:1000px'>"]
    for o in outs:
        page_html.append("<div data-cell='%d'>%s</div>" % (o["cell"], sanitize(o["html"])))
    page_html.append("</body></html>")
    report = {"outputs": len(outs), "scripts_left": sum("<script" in sanitize(o["html"]).lower() for o in outs)}
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=a.chromium, args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page(viewport={"width": 1040, "height": 900})
            page.set_content("".join(page_html), wait_until="load")
            report["charts"] = page.evaluate(MEASURE)
            if a.screenshot:
                page.screenshot(path=a.screenshot, full_page=True)
        finally:
            browser.close()
    print(json.dumps(report))


if __name__ == "__main__":
    sys.exit(main())
