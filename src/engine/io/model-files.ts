// Where a model's files come from: the app's own server (the bundled demo model), the Hugging Face Hub
// (https://huggingface.co/{id}/resolve/{rev}/{file}, kept in the Cache API), a folder the user picked, or —
// in Node — a directory (cli/). Every source answers the same two questions.

export interface ModelFiles {
  /** A short name for messages: "demo (bundled)", "HuggingFaceTB/SmolLM2-135M@main", "my-folder". */
  readonly label: string;
  has(name: string): Promise<boolean>;
  /** The file's bytes; throws an Error naming the file and what to do when it cannot be had. */
  read(name: string): Promise<ArrayBuffer>;
}

export interface DownloadProgress {
  file: string;
  loaded: number;
  total: number | null;
  fromCache: boolean;
}

export type ProgressListener = (p: DownloadProgress) => void;

const CACHE_NAME = 'soft-prompt-studio-models-v1';

/** Reads a response body with byte progress. */
async function readWithProgress(res: Response, file: string, onProgress?: ProgressListener): Promise<ArrayBuffer> {
  const header = res.headers.get('content-length');
  const total = header ? Number(header) : null;
  if (!res.body || !onProgress) return res.arrayBuffer();
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  onProgress({ file, loaded, total, fromCache: false });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onProgress({ file, loaded, total, fromCache: false });
  }
  const out = new Uint8Array(loaded);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out.buffer;
}

/** Files under a base URL. A dev server answers a missing file with index.html, so HTML is treated as missing. */
export function httpModelFiles(
  label: string,
  baseUrl: string,
  options: { onProgress?: ProgressListener; cache?: boolean; retries?: number } = {},
): ModelFiles {
  const url = (name: string) => new URL(name, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString();
  const looksMissing = (res: Response) => !res.ok || (res.headers.get('content-type') ?? '').includes('text/html');
  const cacheApi = options.cache && typeof caches !== 'undefined' ? caches : null;
  return {
    label,
    async has(name) {
      if (cacheApi && (await (await cacheApi.open(CACHE_NAME)).match(url(name)))) return true;
      try {
        const res = await fetch(url(name), { method: 'HEAD' });
        return !looksMissing(res);
      } catch {
        return false;
      }
    },
    async read(name) {
      const cache = cacheApi ? await cacheApi.open(CACHE_NAME) : null;
      const cached = cache ? await cache.match(url(name)) : undefined;
      if (cached) {
        const buf = await cached.arrayBuffer();
        options.onProgress?.({ file: name, loaded: buf.byteLength, total: buf.byteLength, fromCache: true });
        return buf;
      }
      const attempts = (options.retries ?? 2) + 1;
      let lastError = '';
      for (let attempt = 1; attempt <= attempts; attempt++) {
        try {
          const res = await fetch(url(name));
          if (res.status === 404 || looksMissing(res))
            throw new MissingFileError(`${label}: ${name} was not found (${res.status} ${res.statusText || ''}) at ${url(name)}`);
          const buf = await readWithProgress(res, name, options.onProgress);
          if (cache) await cache.put(url(name), new Response(buf, { headers: { 'content-type': 'application/octet-stream' } }));
          return buf;
        } catch (e) {
          if (e instanceof MissingFileError) throw e;
          lastError = (e as Error).message;
        }
      }
      throw new Error(`${label}: downloading ${name} failed after ${attempts} tries (${lastError}). Check the connection and try again.`);
    },
  };
}

export class MissingFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingFileError';
  }
}

/** The Hub's file layout for a model id and revision. */
export function hubModelFiles(id: string, revision: string, onProgress?: ProgressListener, endpoint = 'https://huggingface.co'): ModelFiles {
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(id)) throw new Error(`"${id}" is not a Hugging Face model id (expected owner/name)`);
  return httpModelFiles(`${id}@${revision}`, `${endpoint}/${id}/resolve/${encodeURIComponent(revision)}/`, {
    onProgress,
    cache: true,
  });
}

/** Files the user picked (an <input type=file webkitdirectory> FileList); matched by base name. */
export function pickedModelFiles(files: File[]): ModelFiles {
  const byName = new Map(files.map((f) => [f.name, f]));
  const folder = (files[0] as (File & { webkitRelativePath?: string }) | undefined)?.webkitRelativePath?.split('/')[0];
  const label = folder || 'picked files';
  return {
    label,
    has: async (name) => byName.has(name),
    async read(name) {
      const f = byName.get(name);
      if (!f) throw new MissingFileError(`${label}: ${name} is missing from the picked folder`);
      return f.arrayBuffer();
    },
  };
}

/** Removes every model file the studio cached. */
export async function clearModelCache(): Promise<boolean> {
  if (typeof caches === 'undefined') return false;
  return caches.delete(CACHE_NAME);
}

/** Whether a URL's file is in the studio's cache. */
export async function isCached(fileUrl: string): Promise<boolean> {
  if (typeof caches === 'undefined') return false;
  return Boolean(await (await caches.open(CACHE_NAME)).match(fileUrl));
}
