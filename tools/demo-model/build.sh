#!/bin/sh
# Regenerates the demo model and the sample datasets from scratch (about 20 minutes on 2 CPU cores):
# corpus + datasets, tokenizer, model, its ONNX export for transformers.js, tokenizer check in transformers.js, evidence numbers for the model card,
# and a cross-check of those numbers in the studio's own float64 reference engine.
set -e
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
CACHE=tools/.cache
OUT=public/models/demo
mkdir -p "$CACHE" "$OUT"
$PY tools/demo-model/corpus.py "$CACHE" 120000 public/datasets
$PY tools/demo-model/tokenizer.py "$CACHE" "$OUT" 1024
$PY tools/demo-model/train.py "$CACHE" "$OUT" "${STEPS:-2400}"
# onnx/model.onnx + generation_config.json for transformers.js (Debian: python3-onnx)
$PY tools/demo-model/export_onnx.py "$OUT"
node tools/demo-model/check-tokenizer.mjs
$PY tools/demo-model/check_evidence.py "$OUT" public/datasets "$CACHE"
npx tsx tools/demo-model/check-engine.ts
