// Where a model's files come from: the app's own server (the bundled demo model), the Hugging Face Hub
// (https://huggingface.co/{id}/resolve/{rev}/{file}, kept in the Cache API), a folder the user picked, or —
// in Node — a directory (cli/). Every source answers the same two questions.

export interface ModelFiles {
  /** A short name for messages: "demo (bundled)", "HuggingFaceTB/SmolLM2-135M@main", "my-folder". */
  readonly label: string;
  has(name: string): Promise<boolean>;
  /** The file's bytes; throws an Error naming the file and what to do when it cannot be had. */
  read(name: string): Promise<ArrayBuffer>;
  /**
   * The file as a stream (model weights: never held whole). Without it the loader falls back to `read`.
   * Errors as `read`'s; a connection dropped mid-body is retried from the byte it reached.
   */
  open?(name: string): Promise<FileStream>;
}

/** Where a file's bytes come from, as the model panel names it. */
export type FileOrigin = 'bundled' | 'hub' | 'cache' | 'folder' | 'disk';

export interface FileStream {
  size: number | null;
  body: ReadableStream<Uint8Array>;
  origin: FileOrigin;
}

export interface DownloadProgress {
  file: string;
  loaded: number;
  total: number | null;
  fromCache: boolean;
  origin?: FileOrigin;
  /** A sentence when something happened that the user should see ("connection dropped at …; retrying"). */
  note?: string;
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
  options: { onProgress?: ProgressListener; cache?: boolean; retries?: number; origin?: FileOrigin } = {},
): ModelFiles {
  const origin = options.origin ?? 'bundled';
  const url = (name: string) => new URL(name, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString();
  const looksMissing = (res: Response) => !res.ok || (res.headers.get('content-type') ?? '').includes('text/html');
  const cacheApi = options.cache && typeof caches !== 'undefined' ? caches : null;
  return {
    label,
    async has(name) {
      if (cacheApi && (await (await cacheApi.open(CACHE_NAME)).match(url(name)))) return true;
      try {
        // One byte, read to its end, rather than HEAD: Chromium reports a HEAD fetch (and a cancelled body) as a
        // failed request in the network log, which a clean load must not show. A server that ignores the range
        // sends the whole file: then the body is cancelled.
        const res = await fetch(url(name), { headers: { range: 'bytes=0-0' } });
        const missing = res.status !== 416 && looksMissing(res); // 416: an empty file, present
        if (res.status === 200 && !missing) await res.body?.cancel();
        else await res.arrayBuffer();
        return !missing;
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
    async open(name) {
      const cache = cacheApi ? await cacheApi.open(CACHE_NAME).catch(() => null) : null;
      const fromCache = async (): Promise<FileStream | null> => {
        const hit = cache ? await cache.match(url(name)) : undefined;
        if (!hit?.body) return null;
        const size = Number(hit.headers.get('content-length') ?? NaN);
        const total = Number.isFinite(size) ? size : null;
        return { size: total, origin: 'cache', body: counted(hit.body, (loaded) => options.onProgress?.({ file: name, loaded, total, fromCache: true, origin: 'cache' })) };
      };
      const cached = await fromCache();
      if (cached) return cached;
      const retries = options.retries ?? 3;
      const first = await fetchFile(url(name), name, label, retries, options.onProgress, origin);
      const body = counted(first.body, (loaded) => options.onProgress?.({ file: name, loaded, total: first.size, fromCache: false, origin }));
      if (!cache) return { ...first, body };
      // Downloaded into the cache first, then read back from it: the parser never buffers a fast download.
      try {
        const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
        if (first.size !== null) headers['content-length'] = String(first.size);
        await cache.put(url(name), new Response(body, { headers }));
      } catch (e) {
        // No room in the cache (quota): stream from the network instead, without keeping the file.
        options.onProgress?.({ file: name, loaded: 0, total: first.size, fromCache: false, origin, note: `${name} could not be kept in the browser's cache (${(e as Error).message}); reading it from the network` });
        const again = await fetchFile(url(name), name, label, retries, options.onProgress, origin);
        return { ...again, body: counted(again.body, (loaded) => options.onProgress?.({ file: name, loaded, total: again.size, fromCache: false, origin })) };
      }
      const stored = await fromCache();
      if (!stored) throw new Error(`${label}: ${name} was downloaded but the browser's cache did not keep it`);
      return { ...stored, origin };
    },
  };
}

/** Passes chunks through, reporting bytes so far (at most every 1 MiB and at the end). */
function counted(body: ReadableStream<Uint8Array>, report: (loaded: number) => void): ReadableStream<Uint8Array> {
  let loaded = 0;
  let reported = -1;
  report(0);
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        loaded += chunk.byteLength;
        if (loaded - reported >= 1 << 20) {
          reported = loaded;
          report(loaded);
        }
        controller.enqueue(chunk);
      },
      flush() {
        if (reported !== loaded) report(loaded);
      },
    }),
  );
}

/**
 * GET with redirects followed (the Hub answers large files with a 302 to its CDN); the body resumes after a
 * dropped connection with a Range request from the byte it reached, up to `retries` times, and says so.
 */
async function fetchFile(fileUrl: string, name: string, label: string, retries: number, onProgress: ProgressListener | undefined, origin: FileOrigin): Promise<FileStream> {
  const looksMissing = (res: Response) => !res.ok || (res.headers.get('content-type') ?? '').includes('text/html');
  let attempt = 0;
  let lastError = '';
  let res: Response | null = null;
  while (!res) {
    try {
      const r = await fetch(fileUrl);
      if (r.status === 404 || looksMissing(r))
        throw new MissingFileError(`${label}: ${name} was not found (${r.status} ${r.statusText || ''}) at ${fileUrl}`);
      res = r;
    } catch (e) {
      if (e instanceof MissingFileError) throw e;
      lastError = (e as Error).message;
      if (++attempt > retries) throw new Error(`${label}: downloading ${name} failed after ${attempt} tries (${lastError}). Check the connection and try again.`, { cause: e });
      onProgress?.({ file: name, loaded: 0, total: null, fromCache: false, origin, note: `could not reach ${name} (${lastError}); retrying (${attempt} of ${retries})` });
    }
  }
  const header = res.headers.get('content-length');
  const size = header !== null && res.headers.get('content-encoding') === null ? Number(header) : null;
  const finalUrl = res.url || fileUrl;
  let reader = (res.body as ReadableStream<Uint8Array>).getReader();
  let loaded = 0;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        if (cancelled) return;
        try {
          const { done, value } = await reader.read();
          if (done) {
            if (size !== null && loaded < size) throw new Error(`the connection closed after ${loaded} of ${size} bytes`);
            controller.close();
            return;
          }
          loaded += value.byteLength;
          controller.enqueue(value);
          return;
        } catch (e) {
          if (cancelled) return;
          lastError = (e as Error).message;
          if (++attempt > retries) {
            controller.error(new Error(`${label}: downloading ${name} failed after ${attempt} tries (${lastError}). Check the connection and try again.`, { cause: e }));
            return;
          }
          onProgress?.({
            file: name, loaded, total: size, fromCache: false, origin,
            note: `the connection dropped while downloading ${name} at ${loaded} bytes (${lastError}); resuming (retry ${attempt} of ${retries})`,
          });
          try {
            const r = await fetch(finalUrl, { headers: { range: `bytes=${loaded}-` } });
            if (r.status === 206) reader = (r.body as ReadableStream<Uint8Array>).getReader();
            else if (r.ok) {
              // The server ignored the range: skip what we already have.
              reader = (r.body as ReadableStream<Uint8Array>).getReader();
              let skip = loaded;
              while (skip > 0) {
                const { done, value } = await reader.read();
                if (done) break;
                if (value.byteLength <= skip) skip -= value.byteLength;
                else {
                  controller.enqueue(value.subarray(skip));
                  loaded += value.byteLength - skip;
                  return;
                }
              }
            } else lastError = `HTTP ${r.status} on resuming`;
          } catch (e2) {
            lastError = (e2 as Error).message;
          }
        }
      }
    },
    cancel(reason) {
      cancelled = true;
      return reader.cancel(reason);
    },
  });
  return { size, body, origin };
}

export class MissingFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingFileError';
  }
}

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

/** The Hub's file layout for a model id and revision, at `endpoint` (a local Hub in tests and the bench). */
export function hubModelFiles(id: string, revision: string, onProgress?: ProgressListener, endpoint = DEFAULT_HUB_ENDPOINT): ModelFiles {
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(id)) throw new Error(`"${id}" is not a Hugging Face model id (expected owner/name)`);
  return httpModelFiles(`${id}@${revision}`, `${endpoint.replace(/\/+$/, '')}/${id}/resolve/${encodeURIComponent(revision)}/`, {
    onProgress,
    cache: true,
    origin: 'hub',
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
    async open(name) {
      const f = byName.get(name);
      if (!f) throw new MissingFileError(`${label}: ${name} is missing from the picked folder`);
      return { size: f.size, body: f.stream() as ReadableStream<Uint8Array>, origin: 'folder' };
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
