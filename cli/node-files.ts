// Node-only ModelFiles over a local directory (the bundled demo model under public/models/, a golden case,
// or any folder in Hugging Face layout).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { MissingFileError, type ModelFiles } from '../src/engine/io/model-files.ts';

export function directoryModelFiles(dir: string): ModelFiles {
  const root = resolve(dir);
  if (!existsSync(root)) throw new Error(`model directory ${root} does not exist`);
  return {
    label: basename(root),
    has: async (name) => existsSync(join(root, name)),
    async read(name) {
      const path = join(root, name);
      if (!existsSync(path)) throw new MissingFileError(`${basename(root)}: ${name} is missing in ${root}`);
      const buf = await readFile(path);
      return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
    },
  };
}
