// neuronb widgets loader: shared by every interactive output. It is pasted,
// unchanged, inside each output's IIFE after `var ID = …, LIB = …;` (see
// echarts.go), so it must not declare anything at the top level of the page.
var KEY = "echarts@5.4.3";

// lib returns the page-wide promise of the ECharts module. The first output
// that needs it unpacks its own gzip+base64 copy (LIB); every later output on
// the page, from any notebook, reuses the same promise, so the library is
// evaluated once per page however many outputs carry it.
function lib() {
  var reg = window.__neuronb || (window.__neuronb = {});
  if (!reg[KEY]) {
    reg[KEY] = new Promise(function (resolve) {
      if (typeof DecompressionStream === "undefined") {
        throw new Error("this browser has no DecompressionStream, which unpacks the embedded ECharts");
      }
      var bin = atob(LIB), bytes = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
      resolve(new Response(stream).text().then(function (src) {
        var m = { exports: {} };
        reg.evaluations = (reg.evaluations || 0) + 1;
        // The parameters shadow any global define/require (RequireJS in
        // classic Notebook and nbconvert exports): the UMD wrapper takes its
        // CommonJS branch and fills m.exports instead of registering an
        // anonymous AMD module, and window.echarts is left alone.
        (new Function("module", "exports", "define", "require",
          src + "\n//# sourceURL=neuronb-echarts-5.4.3.min.js"))(m, m.exports, undefined, undefined);
        return m.exports;
      }));
    });
  }
  return reg[KEY];
}

// prepare turns the named renderers of an option built in Go (strict JSON,
// so it cannot hold functions) into functions: a custom series with
// renderItem "neuronb:band" draws the polygon between its data's lower and
// upper values ([x, lower, upper] rows; null rows split the band).
function prepare(option) {
  var series = option && option.series;
  for (var i = 0; series && i < series.length; i++) {
    if (series[i].renderItem === "neuronb:band") series[i].renderItem = band(series[i]);
  }
  return option;
}

function band(s) {
  var data = s.data, style = { fill: s.itemStyle.color, opacity: s.itemStyle.opacity };
  return function (params, api) {
    if (params.dataIndexInside !== 0) return null;
    var parts = [], up = [], down = [];
    function flush() {
      if (up.length > 1) parts.push({ type: "polygon", silent: true,
        shape: { points: up.concat(down.reverse()) }, style: style });
      up = []; down = [];
    }
    for (var k = 0; k < data.length; k++) {
      var d = data[k];
      if (d[1] == null || d[2] == null) { flush(); continue; }
      up.push(api.coord([d[0], d[2]]));
      down.push(api.coord([d[0], d[1]]));
    }
    flush();
    return { type: "group", children: parts };
  };
}

// eachTarget calls fn once for every element of this output that is on the
// page and not yet set up. Elements are found by their data-neuronb id rather
// than through document.currentScript: classic Notebook runs scripts before
// the output is attached, and JupyterLab re-creates script tags and may show
// the same output in several views. The search waits for the next microtask
// and retries for a while, so a front end that attaches outputs late still
// gets its charts.
function eachTarget(fn) {
  var tries = 0;
  function scan() {
    var els = document.querySelectorAll('[data-neuronb="' + ID + '"]'), n = 0;
    for (var i = 0; i < els.length; i++) {
      if (els[i].getAttribute("data-neuronb-ready")) continue;
      els[i].setAttribute("data-neuronb-ready", "1");
      n++;
      try { fn(els[i]); } catch (e) { fail(els[i], e); }
    }
    if (n === 0 && els.length === 0 && ++tries < 100) setTimeout(scan, 100);
  }
  Promise.resolve().then(scan);
}

function fail(root, err) {
  var msg = document.createElement("div");
  msg.style.cssText = "color:#b00020;font:13px sans-serif;padding:8px";
  msg.textContent = "neuronb: could not draw this figure: " + (err && err.message ? err.message : err);
  root.appendChild(msg);
  if (window.console) console.error("neuronb:", err);
}

// chartBox clears the static fallback text and returns the element ECharts
// draws into; a ResizeObserver keeps the chart sized to it (outputs rendered
// while hidden start at zero width).
function chartBox(root) {
  var box = root.querySelector(".neuronb-echart") || root;
  var fb = root.querySelector(".neuronb-fallback");
  if (fb) fb.parentNode.removeChild(fb);
  // A container copied from a drawn one carries ECharts' instance mark,
  // which would make echarts.init return the original's chart.
  box.removeAttribute("_echarts_instance_");
  return box;
}

function follow(box, chart) {
  if (typeof ResizeObserver !== "undefined") {
    new ResizeObserver(function () { chart.resize(); }).observe(box);
  }
}

// bind wires a slider or select inside root to show(i) and, when a GoNB
// comms channel exists and the output has an address, reports i to Go.
function bind(root, labels, show) {
  var input = root.querySelector(".neuronb-input"), out = root.querySelector(".neuronb-frame-label");
  function update() {
    var i = parseInt(input.value, 10);
    if (!(i >= 0 && i < labels.length)) return;
    out.textContent = labels[i];
    root.setAttribute("data-neuronb-frame", String(i));
    show(i);
    var addr = root.getAttribute("data-neuronb-address"), comm = window.gonb_comm;
    if (addr && comm && typeof comm.send === "function") comm.send(addr, i);
  }
  input.addEventListener("input", update);
  input.addEventListener("change", update);
}
