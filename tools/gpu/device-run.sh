#!/usr/bin/env bash
# tools/gpu/device-run.sh [REPS] — what to run on the lent GPU machine, from the repository root, after
# tools/gpu/bundle.sh has built .gpu/ and .gl/ here: the `device` tool's `run` with
#   command: bash tools/gpu/device-run.sh      carry: [".gpu", ".gl"]      timeout_s: 540
# It unpacks the Vulkan loaders (device README recipe), Node 22 and the trimmed webgpu package, then writes into $OUT:
#   golden.txt  the golden cases through Dawn (`golden: 7 passed, 0 failed` expected; its adapter line must name the
#               NVIDIA GPU, else the bench is skipped and log.txt gets the Vulkan loader's debug output)
#   bench.json  cli/bench.ts --json (GPT-2 shape at 8x128 on a non-software adapter)
#   profile.json  cli/profile.ts --json: GPU ms per kernel of the GPT-2-shaped f32 step (timestamp queries)
#   peer.json   bench/peer_peft.py --json (PyTorch + PEFT on the same shape and batch, same machine)
#   smi.txt, log.txt
# With an older build's bundles in .gpu/before/ (copy .gpu/*.mjs there before rebuilding), its bench and profile
# run first, in the same call, as bench-before.json and profile-before.json: before/after from one machine and run.
# docs/gpu-bench.md's numbers came from these same commands (given inline to `run`).
L=$OUT/log.txt
REPS=${1:-10}
for f in .gl/*.deb; do dpkg -x "$f" /; done; ldconfig
export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
{ ls -la /usr/local/nvidia/share/vulkan/icd.d/; ldconfig -p | grep -i vulkan; nproc; } >"$L" 2>&1
xz -dc .gpu/node.xz >/tmp/node && chmod +x /tmp/node && mkdir -p .gpu/node_modules &&
  tar -C .gpu/node_modules -xJf .gpu/webgpu.tar.xz && /tmp/node --version | tee -a "$L" || exit 1
timeout 120 /tmp/node .gpu/golden.mjs .gpu/golden-fixtures 2>&1 | tee "$OUT/golden.txt"
if grep -qi 'adapter:.*nvidia' "$OUT/golden.txt"; then
  if [ -f .gpu/before/bench.mjs ]; then
    timeout 150 /tmp/node .gpu/before/bench.mjs --json --reps "$REPS" >"$OUT/bench-before.json" 2>>"$L"; echo "bench-before rc=$?" | tee -a "$L"
    timeout 60 /tmp/node .gpu/before/profile.mjs --json --steps 10 >"$OUT/profile-before.json" 2>>"$L"; echo "profile-before rc=$?" | tee -a "$L"
  fi
  timeout 150 /tmp/node .gpu/bench.mjs --json --reps "$REPS" >"$OUT/bench.json" 2>>"$L"; echo "bench rc=$?" | tee -a "$L"
  timeout 60 /tmp/node .gpu/profile.mjs --json --steps 10 >"$OUT/profile.json" 2>>"$L"; echo "profile rc=$?" | tee -a "$L"
else
  echo NOT-NVIDIA
  VK_LOADER_DEBUG=error,warn,info timeout 60 /tmp/node .gpu/golden.mjs .gpu/golden-fixtures 2>&1 | head -150 >>"$L"
fi
PYTHONUNBUFFERED=1 timeout 150 python3 bench/peer_peft.py --json >"$OUT/peer.json" 2>>"$L"; echo "peer rc=$?" | tee -a "$L"
nvidia-smi >"$OUT/smi.txt" 2>&1
# A short summary for the reply (the files come back whole).
python3 - "$OUT" <<'PY'
import json, os, sys
o = sys.argv[1]
def load(n):
    try: return json.load(open(os.path.join(o, n)))
    except Exception as e: print(n, 'unreadable:', e); return None
for n in ('bench-before.json', 'bench.json'):
    b = load(n) if os.path.exists(os.path.join(o, n)) else None
    if b: print(n, [(s['batch'], s['weightStorage'], round(s['stepMs'], 2)) for s in b['steps']])
for n in ('profile-before.json', 'profile.json'):
    p = load(n) if os.path.exists(os.path.join(o, n)) else None
    if p: print(n, 'step %.2f gpu %.2f' % (p['stepMs'], p['gpuMs']), [(k['kernel'], round(k['ms'], 3)) for k in p['kernels'][:8]])
p = load('peer.json')
if p: print('peer', json.dumps(p)[:1500])
PY
tail -12 "$L"
