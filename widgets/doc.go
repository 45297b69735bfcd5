// Package widgets shows figures, progress bars and controls inline in a GoNB
// notebook with one call, and writes the same figures to files elsewhere.
//
// # Showing things
//
// Show takes a *Figure from the chart constructors below, a *Control, a
// gonum *plot.Plot, a go-echarts chart or an image.Image, and sends one
// output as a MIME bundle with fallbacks (see Bundle): interactive charts as
// HTML + text/plain describing the figure; static figures as a PNG rendered
// at 2× and shown at 1× (sharp on HiDPI screens) + text/plain, and, with
// Options.SVG, an SVG with embedded fonts. Show also accepts a
// constructor's (value, error) pair, so a figure is one line:
//
//	widgets.Show(widgets.Raster(group.Trains(), &widgets.Options{Title: "V1"}))
//
// Outside a notebook (gonbui.IsNotebook false: tests, programs) Show writes
// PNG/SVG/HTML files into OutputDir() ($NEURONB_OUT, default ./neuronb-out)
// instead; the HTML files are standalone pages that work offline.
//
// # The neuroscience vocabulary
//
// Interactive (ECharts; hover, zoom and legend toggles help):
//   - Lines: multi-series lines with a legend; reference series (ground
//     truth, observations) dashed with Options.Dashed.
//   - PSTH: peri-stimulus time histograms of package spikes (spikes.PSTH,
//     from spikes.RateBand or Perievent.PSTH) with their 95% bands.
//   - Bands: any lines with shaded confidence bands (an estimate ± its
//     interval against the number of neurons, a mean latent ± 2 sd).
//   - Trajectories: 2-D latent trajectories coloured by condition.
//   - Histogram: one or more distributions over shared bins.
//
// Static (gonum/plot; dense or geometric pictures; Figure.Plot allows
// adding layers):
//   - Raster: spike raster, fast for 10⁵ spikes.
//   - Scatter: points coloured one by one by a value, on a Sequential,
//     Diverging or Cyclic (angles, phases) scale with a colour bar, or by
//     Categorical class with a legend; fast for 10⁵ points.
//   - FlowField, FlowFieldFunc: quiver plot of a 2-D vector field; NaN
//     marks grid points without a value (no arrow).
//   - Heatmap: matrix with a diverging (default), sequential or cyclic
//     scale and a colour bar.
//   - Spectrum: eigenvalue spectra on log-log axes.
//   - EigenPlane: complex eigenvalues with the unit circle.
//   - Lines, Bands and PSTH with Options.Static: the same charts drawn by
//     gonum/plot, for figures saved with a paper reproduction.
//
// For anything else, NewPlot starts a gonum plot in the same look (fonts,
// grid, axes) and PaletteColor gives the palette as Go colours; FromPlot or
// Show displays it.
//
// Every chart uses Palette (Okabe–Ito, colour-blind safe), labelled axes
// with documented defaults, and Options for titles, labels, names and
// sizes. Series sharing a name share a colour and a legend entry, so a fit
// and its dashed reference pair up. Long interactive series are downsampled
// for display (LTTB or min/max per bucket, see Downsampler.Indices) and the
// figure says so; the caller's data are never changed.
//
// # Colour scales
//
// Options.Scale picks how values become colours in Heatmap and Scatter:
// Diverging (ColorBrewer RdBu about zero), Sequential (viridis), Cyclic
// (twilight, a perceptually uniform colour circle: angles 90° apart stay
// distinct under protanopia, deuteranopia and tritanopia, where a rainbow
// hue wheel collapses) and Categorical (Palette). Options.ColorRange pins a
// scale's ends, for instance across the frames of a slider, and
// Options.ColorLabel labels the colour bar.
//
// # Long titles and axis labels
//
// Text never spoils the layout: a title, axis label, colour-bar label or
// legend entry longer than the room it has is broken between words onto
// two balanced lines, then set smaller (down to 8 pt), then onto three
// lines, and only as a last resort cut with an ellipsis. In static figures
// this keeps gonum/plot from shrinking the data area under a long y label
// (FromPlot fits a caller's own plot the same way while drawing it, and
// leaves its labels as they were). In interactive charts it keeps ECharts
// from clipping an axis name at the chart's edge, and the y name's gap
// from the axis follows the widest tick label expected over the data, so
// the name never overlaps the tick labels.
//
// # Progress bars and controls
//
// NewProgress gives a bar updated in place (one output, a Jupyter display
// id, at most ~4 redraws a second) with iterations, rate, time left and a
// named metric; its Update method has the signature of the neuro packages'
// Settings.Progress hook. Slider and Select switch between pre-rendered
// frames with a few lines of JavaScript inside the output, which works live,
// saved, exported, headless and behind JupyterHub prefixes. Control.Listen
// optionally calls back into Go through GoNB's comms while a browser is
// attached; with NEURONB_HEADLESS=1 (set by `kernel run`) nothing waits.
//
// # How interactive charts load ECharts (design decision)
//
// ECharts 5.4.3 (npm echarts@5.4.3, the version go-echarts v2.6 targets,
// Apache-2.0, in internal/echartsjs) is embedded in the module; nothing is
// fetched from a CDN. Every interactive output carries its own copy of the
// library, gzip-compressed and base64-encoded (445 kB of the output; the
// raw file is 1,025 kB), and a small loader that unpacks it with the
// browser's DecompressionStream and evaluates it once per page: the first
// output to run stores a promise of the module in window.__neuronb, and
// every later output, from any notebook open in the same page, awaits that
// promise instead of evaluating its own copy.
//
// The alternative, sending the library once (with the first chart of a
// session) and letting later charts refer to it, makes outputs 445 kB
// smaller but not self-contained: a notebook keeps only its outputs, so once
// the cell that carried the library is re-run, cleared or deleted, or the
// notebook is reopened, exported or viewed from a later cell, the other
// charts have nothing to load. With the library in every output, any output,
// alone, draws offline wherever its HTML runs: the browser test opens
// nbconvert exports with and without RequireJS (the classic Notebook and
// export situation) in Chromium with no network; JupyterLab runs the same
// script through its script-tag re-creation, which the test imitates. We pay about 0.45 MB per
// interactive output (a notebook with ten charts weighs ~5 MB), and reduce
// the rest: option data use 6 significant digits, and series longer than
// Options.MaxPoints (2000) are downsampled. Static figures (PNG) and
// controls over static frames carry no library.
//
// The loader is written for the hosts' quirks:
//   - The UMD bundle is evaluated by new Function with module, exports,
//     define and require as parameters, so with RequireJS on the page
//     (classic Notebook, nbconvert exports) it neither registers an
//     anonymous AMD module nor needs define to be hidden, and with no
//     module system it still never touches window.echarts.
//   - Each output's code is one IIFE: re-running a cell or showing the same
//     figure twice declares nothing at page level.
//   - Container ids are 96-bit random ("nb" + 24 hex digits), unique across
//     cells, runs and notebooks; the code finds its containers by a
//     data-neuronb attribute after a microtask (classic Notebook runs
//     scripts before attaching the output) and sets each up once, so
//     JupyterLab re-creating script tags or showing an output in two views
//     neither skips nor doubles a chart (a container copied from a drawn one
//     gets its own chart, not the original's).
//   - Until the script runs, the container shows the chart's picture: a PNG
//     drawn by gonum/plot from the same ECharts option (Figure.Picture;
//     data, axis ranges, series, legend), as an <img> with a data: URI,
//     which JupyterLab's sanitizer keeps. That is what viewers that run no
//     JavaScript display: an untrusted notebook in JupyterLab or Notebook 7,
//     GitHub's and GitLab's views, VS Code in restricted mode, PDF export.
//     The same PNG is the bundle's image/png. Options.NoPicture leaves it
//     out (the text description is shown instead); package widgets/ssr
//     renders the chart with ECharts' own server-side SVG for comparison.
//
// Requirements: DecompressionStream (Chrome/Edge 80, Firefox 113,
// Safari 16.4 and later). Notebooks executed elsewhere (CI, nbclient) must
// be trusted (`jupyter trust`) before JupyterLab runs their scripts;
// `kernel run` signs the notebooks it executes.
//
// go-echarts charts are shown through the same loader (FromECharts): their
// script runs inside the IIFE with a fresh container id; charts needing
// assets beyond ECharts core (echarts-gl, maps, word clouds, themes other
// than "dark") are refused with an error instead of reaching for a CDN.
package widgets
