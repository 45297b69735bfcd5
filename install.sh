#!/usr/bin/env bash
# neuronb installer: Jupyter, the pinned GoNB kernel, the "Go (neuronb)"
# kernelspec, every Go module (for offline use) and a warm build cache.
#
#   ./install.sh            install for this user
#   ./install.sh --open     install, then open the tutorials in Jupyter
#   ./install.sh --test     also install what the tests need (Chromium, Playwright, Python oracles)
#   ./install.sh --system   install the kernelspec for every user of this Jupyter (JupyterHub)
#
# Other flags: --blas auto|openblas|gonum (BLAS used by notebooks; auto, the
# default, takes OpenBLAS where it computes correctly, with the core type a
# short probe chose), --no-warm.
# Running it again is safe and quick: it only does what is missing.
set -euo pipefail

cd "$(dirname "$0")"
ROOT=$(pwd)

OPEN=0 TEST=0 SYSTEM=0 WARM=1 BLAS=auto
while [ $# -gt 0 ]; do
  case "$1" in
    --open) OPEN=1 ;;
    --test) TEST=1 ;;
    --system) SYSTEM=1 ;;
    --no-warm) WARM=0 ;;
    --blas) shift; BLAS=${1:-} ;;
    --blas=*) BLAS=${1#--blas=} ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see ./install.sh --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$BLAS" in auto|gonum|openblas) ;; *) echo "install.sh: --blas takes auto, gonum or openblas" >&2; exit 2 ;; esac

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }
start=$(date +%s)

# --- Go -----------------------------------------------------------------------
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH=/usr/local/go/bin:$PATH
fi
command -v go >/dev/null 2>&1 || die "Go is not installed: get Go >= 1.26 from https://go.dev/dl and put its bin directory on PATH."
gov=$(go env GOVERSION)
case "$gov" in
  go1.2[6-9]*|go1.[3-9][0-9]*|go[2-9]*) ;;
  *) die "$gov is too old: neuronb needs Go >= 1.26 (https://go.dev/dl)." ;;
esac

# --- Debian packages (only as root with apt; only what is missing) -------------
can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }
APT_UPDATED=0
apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "apt-get install ${missing[*]}"
  if [ "$APT_UPDATED" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# --- Jupyter --------------------------------------------------------------------
# In this order: $NEURONB_PYTHON; a Jupyter on PATH that has JupyterLab >= 4 (for
# --system, any Jupyter on PATH: the hub's); this checkout's .venv with the
# JupyterLab 4 and Notebook 7 that kernel/requirements pins; Debian's classic
# Notebook 6 only when pip cannot install.
has_jupyter() { "$1" -c 'import jupyter_core, jupyter_client, nbclient, nbconvert' >/dev/null 2>&1; }
has_lab4() { "$1" -c 'import sys, jupyterlab; sys.exit(int(jupyterlab.__version__.split(".")[0]) < 4)' >/dev/null 2>&1; }
REQ=$ROOT/kernel/requirements
VENV=$ROOT/.venv
# venv_install FILE...: the pinned requirements into .venv (skipped when the
# same files were installed before).
venv_install() {
  local stamp args=() f
  stamp=$(cat "$REQ/constraints.txt" "${@/#/$REQ/}" | sha256sum | cut -c1-16)
  if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.neuronb-requirements" 2>/dev/null)" = "$stamp" ]; then
    return 0
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    if ! python3 -m venv --help >/dev/null 2>&1 && can_apt; then apt_install python3-venv; fi
    python3 -m venv "$VENV" || return 1
  fi
  for f in "$@"; do args+=(-r "$REQ/$f"); done
  say "pip install into $VENV: ${*}"
  "$VENV/bin/python" -m pip install -q "${args[@]}" -c "$REQ/constraints.txt" || return 1
  echo "$stamp" > "$VENV/.neuronb-requirements"
}
path_jupyter() {
  command -v jupyter >/dev/null 2>&1 || return 1
  local jpy cand
  jpy=$(head -n1 "$(command -v jupyter)" | sed -n 's/^#! *//p' | awk '{print ($1 ~ /env$/) ? $2 : $1}')
  for cand in "$jpy" python3; do
    [ -n "$cand" ] && cand=$(command -v "$cand" 2>/dev/null) || continue
    [ "$cand" = "$VENV/bin/python" ] && continue
    if has_jupyter "$cand" && { [ "$SYSTEM" = 1 ] || has_lab4 "$cand"; }; then echo "$cand"; return 0; fi
  done
  return 1
}
REQS=(jupyter.txt)
[ "$TEST" = 1 ] && REQS+=(test.txt)
PY=""
if [ -n "${NEURONB_PYTHON:-}" ]; then
  has_jupyter "$NEURONB_PYTHON" || die "NEURONB_PYTHON=$NEURONB_PYTHON cannot import jupyter_core, jupyter_client, nbclient and nbconvert."
  PY=$NEURONB_PYTHON
elif PY=$(path_jupyter); then
  :
elif command -v python3 >/dev/null 2>&1 && venv_install "${REQS[@]}"; then
  PY=$VENV/bin/python
elif can_apt; then
  echo "install.sh: pip could not install JupyterLab; falling back to Debian's classic Notebook 6." >&2
  apt_install jupyter-notebook jupyter-nbconvert python3-nbclient
  PY=/usr/bin/python3
else
  die "no Jupyter found and pip could not install one: install JupyterLab 4 (https://jupyter.org/install; pip install jupyterlab nbclient nbconvert) and run ./install.sh again, or set NEURONB_PYTHON to a Python that has it."
fi
export NEURONB_PYTHON=$PY
if [ "$PY" = "$VENV/bin/python" ]; then
  # JupyterLab ignores a completion provider that takes more than 1 s, and
  # GoNB's completion (gopls type-checking every declaration of the
  # notebook) often does: Tab then shows nothing. This JupyterLab is ours,
  # so its default waits longer (a user's own setting still wins).
  mkdir -p "$VENV/share/jupyter/lab/settings"
  printf '%s\n' '{"@jupyterlab/completer-extension:manager": {"providerTimeout": 15000}}' \
    > "$VENV/share/jupyter/lab/settings/overrides.json"
fi
echo "Jupyter: $PY ($("$PY" -c 'import importlib.util as u; print("JupyterLab" if u.find_spec("jupyterlab") else "Notebook")'))"

# --- Test extras ------------------------------------------------------------------
if [ "$TEST" = 1 ]; then
  if can_apt; then
    NODE=()
    command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || NODE=(nodejs npm)
    # Debian's classic Notebook 6 is one of the front ends the browser tests
    # try; its numpy/scipy/sklearn/statsmodels/torch are the tests' oracles.
    apt_install chromium chromium-driver libjs-requirejs iproute2 util-linux \
      jupyter-notebook python3-jupyter-kernel-test python3-numpy python3-scipy python3-sklearn \
      python3-statsmodels python3-torch python3-matplotlib libopenblas-dev "${NODE[@]}"
  else
    echo "install.sh --test: not root with apt; the tests need Chromium, Debian's jupyter-notebook," \
         "python3-numpy, -scipy, -sklearn, -statsmodels, -torch, libopenblas-dev and node/npm (tests skip what is missing outside CI)." >&2
  fi
  if [ "$PY" != "$VENV/bin/python" ]; then
    echo "install.sh --test: Jupyter is $PY, not this checkout's .venv; install kernel/requirements/test.txt (Playwright, jupyter_kernel_test) into it yourself." >&2
  fi
  for t in kernel/testdata/install-test-extras.sh neuro/*/testdata/install-test-extras.sh; do
    [ -f "$t" ] && { say "test extras: $t"; bash "$t"; }
  done
fi
# OpenBLAS makes matrix products some 10x faster than pure Go; the kernel
# uses it when it is there (and computes correctly, see kernel install).
if [ "$BLAS" != gonum ] && can_apt; then
  apt_install libopenblas-dev
fi

# --- Go modules, tools, kernelspec, warm build cache ------------------------------
say "downloading Go modules (for offline use)"
go mod download
KARGS=(--blas "$BLAS")
if [ "$SYSTEM" = 1 ]; then
  # Each user's cells build in that user's own caches; they resolve modules
  # from a shared, world-readable download cache instead of the network.
  SHARED=${NEURONB_SHARED_MODCACHE:-/usr/local/share/neuronb/gomodcache}
  say "filling the shared module cache $SHARED"
  mkdir -p "$SHARED"
  GOMODCACHE=$SHARED GOFLAGS=-modcacherw go mod download
  chmod -R a+rX "$SHARED"
  KARGS+=(--sys-prefix --module-proxy "$SHARED/cache/download")
  perm=$(stat -c %A "$ROOT")
  case "$perm" in ???????r?x) ;; *) echo "warning: $ROOT is not readable by other users; put the checkout somewhere world-readable (e.g. /opt/neuronb) for a shared install." >&2 ;; esac
fi
say "building the kernel tools and installing the kernelspec"
go build -o bin/neuronb-kernel ./kernel
bin/neuronb-kernel install "${KARGS[@]}"
if [ "$WARM" = 1 ]; then
  say "warming the build cache"
  bin/neuronb-kernel warm
fi
echo "installed in $(( $(date +%s) - start ))s; check with: go run ./kernel doctor"

# --- Open --------------------------------------------------------------------------
if [ "$OPEN" = 1 ]; then
  if "$PY" -c 'import jupyterlab' >/dev/null 2>&1; then APP=lab; CFG=ServerApp; else APP=notebook; CFG=NotebookApp; fi
  PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  TOKEN=$("$PY" -c 'import secrets; print(secrets.token_hex(16))')
  EXTRA=()
  [ "$(id -u)" = 0 ] && EXTRA+=(--allow-root)
  [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" != Darwin ] && EXTRA+=(--no-browser)
  URL="http://127.0.0.1:$PORT/"
  [ "$APP" = lab ] && URL="${URL}lab/tree/00_getting_started.ipynb" || URL="${URL}notebooks/00_getting_started.ipynb"
  echo
  echo "Opening the tutorials in Jupyter $APP. Pick the \"Go (neuronb)\" kernel if asked."
  echo "    $URL?token=$TOKEN"
  echo "(Ctrl-C to stop the server.)"
  exec "$PY" -m jupyter "$APP" --ip=127.0.0.1 --port="$PORT" --notebook-dir="$ROOT/tutorials" \
    --$CFG.token="$TOKEN" "${EXTRA[@]}"
fi
