#!/usr/bin/env bash
# neuronb installer: Jupyter, the pinned GoNB kernel, the "Go (neuronb)"
# kernelspec, every Go module (for offline use) and a warm build cache.
#
#   ./install.sh            install for this user
#   ./install.sh --open     install, then open the tutorials in Jupyter
#   ./install.sh --test     also install what the tests need (Chromium, Python oracles)
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
has_jupyter() { "$1" -c 'import jupyter_core, jupyter_client, nbclient, nbconvert' >/dev/null 2>&1; }
PY=""
if [ -n "${NEURONB_PYTHON:-}" ] && has_jupyter "$NEURONB_PYTHON"; then
  PY=$NEURONB_PYTHON
elif can_apt; then
  apt_install jupyter-notebook jupyter-nbconvert python3-nbclient
  PY=/usr/bin/python3
elif [ -x "$ROOT/.venv/bin/python" ] && has_jupyter "$ROOT/.venv/bin/python"; then
  PY=$ROOT/.venv/bin/python
elif command -v jupyter >/dev/null 2>&1; then
  jpy=$(head -n1 "$(command -v jupyter)" | sed -n 's/^#! *//p' | awk '{print ($1 ~ /env$/) ? $2 : $1}')
  for cand in "$jpy" python3; do
    if [ -n "$cand" ] && has_jupyter "$cand"; then PY=$(command -v "$cand"); break; fi
  done
fi
if [ -z "$PY" ]; then
  # pip install --user is refused by externally-managed Pythons (PEP 668): use a venv.
  if command -v python3 >/dev/null 2>&1 && python3 -m venv --help >/dev/null 2>&1; then
    say "creating $ROOT/.venv with JupyterLab (pip)"
    [ -x "$ROOT/.venv/bin/python" ] || python3 -m venv "$ROOT/.venv"
    "$ROOT/.venv/bin/python" -m pip install -q --upgrade pip
    "$ROOT/.venv/bin/python" -m pip install -q jupyterlab nbclient nbconvert \
      || die "pip could not install JupyterLab; install Jupyter yourself (https://jupyter.org/install) and run ./install.sh again."
    PY=$ROOT/.venv/bin/python
  else
    die "no Jupyter found and no Python able to create a virtual environment: install Jupyter (Debian/Ubuntu: sudo apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient; elsewhere: https://jupyter.org/install) and run ./install.sh again."
  fi
fi
export NEURONB_PYTHON=$PY
echo "Jupyter: $PY"

# --- Test extras ------------------------------------------------------------------
if [ "$TEST" = 1 ]; then
  if can_apt; then
    NODE=()
    command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || NODE=(nodejs npm)
    apt_install chromium chromium-driver libjs-requirejs iproute2 util-linux \
      python3-jupyter-kernel-test python3-numpy python3-scipy python3-sklearn \
      python3-statsmodels python3-torch python3-matplotlib libopenblas-dev "${NODE[@]}"
  else
    echo "install.sh --test: not root with apt; the tests need Chromium, Debian's python3-jupyter-kernel-test," \
         "python3-numpy, -scipy, -sklearn, -statsmodels, -torch, libopenblas-dev and node/npm (tests skip what is missing outside CI)." >&2
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
