// A local stand-in for the Hugging Face Hub's file endpoint, serving the folders tools/real-shapes writes
// (root/{owner}/{name}/{file}) in the Hub's URL layout and with its manners:
//   GET/HEAD /{owner}/{name}/resolve/{revision}/{file}
//     small files: 200 with content-length; LFS files (*.safetensors, anything over 10 MB): 302 to
//     /cdn-lfs/{owner}/{name}/{file} with X-Linked-Size and X-Linked-Etag, as the Hub redirects to its CDN
//     missing: 404 with X-Error-Code: EntryNotFound
//   byte ranges (Range: bytes=a-b, a-) answered 206 with content-range; CORS open, as the Hub's.
// `dropOnce` cuts the first download of each LFS file after that many bytes (a dropped connection, for tests).
//
//   npx tsx tools/real-shapes/local-hub.ts [--port 8765] [--root .real-shapes/hub] [--drop-once BYTES] [--generate id,id]
// --generate writes those checkpoints first (tools/real-shapes/generate.ts; skipped when already written): the
// e2e test's web server starts this way, so a clean clone needs nothing else.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_OUT, generateCheckpoint } from './generate.ts';
import { knownCheckpoint } from '../../src/engine/io/known-checkpoints.ts';

export interface LocalHub {
  url: string;
  server: Server;
  /** Requests seen, newest last ("GET /id/resolve/main/config.json 200"). */
  log: string[];
  close(): Promise<void>;
}

const LFS_MIN = 10 * 1024 * 1024;

export interface LocalHubOptions {
  root?: string;
  port?: number;
  host?: string;
  dropOnce?: number;
}

export function startLocalHub(options: LocalHubOptions = {}): Promise<LocalHub> {
  const root = resolve(options.root ?? DEFAULT_OUT);
  const dropped = new Set<string>();
  const log: string[] = [];
  const fileOf = (parts: string[]): string | null => {
    const path = normalize(join(root, ...parts));
    return path.startsWith(root + sep) && existsSync(path) && statSync(path).isFile() ? path : null;
  };
  const cors = (res: ServerResponse) => {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'range, content-type, authorization');
    res.setHeader('access-control-expose-headers', 'content-length, content-range, accept-ranges, etag, x-linked-size, x-linked-etag, x-error-code, location');
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    cors(res);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const done = (status: number) => log.push(`${req.method} ${url.pathname} ${status}`);
    if (req.method === 'OPTIONS') {
      res.writeHead(204);
      res.end();
      return done(204);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405);
      res.end();
      return done(405);
    }
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const notFound = (what: string) => {
      res.writeHead(404, { 'content-type': 'text/plain', 'x-error-code': 'EntryNotFound' });
      res.end(`Entry not found: ${what}`);
      done(404);
    };
    // /cdn-lfs/{owner}/{name}/{file...}
    if (segments[0] === 'cdn-lfs') {
      const path = fileOf(segments.slice(1));
      if (!path) return notFound(url.pathname);
      return sendFile(req, res, path, url.pathname, done);
    }
    // /{owner}/{name}/resolve/{revision}/{file...}  (or /{name}/resolve/... for ids without an owner)
    const at = segments.indexOf('resolve');
    if (at < 1 || at > 2 || segments.length < at + 3) return notFound(url.pathname);
    const id = segments.slice(0, at);
    const file = segments.slice(at + 2);
    const path = fileOf([...id, ...file]);
    if (!path) return notFound(`${id.join('/')}/${file.join('/')}`);
    const size = statSync(path).size;
    if (file[file.length - 1].endsWith('.safetensors') || size > LFS_MIN) {
      const etag = `"${size.toString(16)}-${statSync(path).mtimeMs.toString(16)}"`;
      res.writeHead(302, {
        location: `/cdn-lfs/${[...id, ...file].map(encodeURIComponent).join('/')}`,
        'x-linked-size': String(size),
        'x-linked-etag': etag,
        'x-repo-commit': '0000000000000000000000000000000000000000',
        'content-length': '0',
      });
      res.end();
      return done(302);
    }
    sendFile(req, res, path, url.pathname, done);
  };

  const sendFile = (req: IncomingMessage, res: ServerResponse, path: string, key: string, done: (s: number) => void) => {
    const size = statSync(path).size;
    const type = path.endsWith('.json') ? 'application/json' : path.endsWith('.md') ? 'text/markdown' : 'application/octet-stream';
    let start = 0;
    let end = size - 1;
    let status = 200;
    const range = req.headers.range;
    if (range) {
      const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
      if (!m || (m[1] === '' && m[2] === '')) {
        res.writeHead(416, { 'content-range': `bytes */${size}` });
        res.end();
        return done(416);
      }
      if (m[1] === '') start = Math.max(0, size - Number(m[2]));
      else {
        start = Number(m[1]);
        if (m[2] !== '') end = Math.min(size - 1, Number(m[2]));
      }
      if (start > end || start >= size) {
        res.writeHead(416, { 'content-range': `bytes */${size}` });
        res.end();
        return done(416);
      }
      status = 206;
    }
    const headers: Record<string, string> = { 'content-type': type, 'content-length': String(end - start + 1), 'accept-ranges': 'bytes', etag: `"${size.toString(16)}"` };
    if (status === 206) headers['content-range'] = `bytes ${start}-${end}/${size}`;
    res.writeHead(status, headers);
    done(status);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const drop = options.dropOnce !== undefined && key.startsWith('/cdn-lfs/') && !dropped.has(key) && end - start + 1 > options.dropOnce;
    if (drop) dropped.add(key);
    const stream = createReadStream(path, { start, end: drop ? start + (options.dropOnce ?? 0) - 1 : end });
    stream.pipe(res, { end: !drop });
    if (drop) stream.on('end', () => res.destroy()); // the connection drops mid-body
  };

  const server = createServer(handle);
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : options.port;
      resolvePromise({
        url: `http://${options.host ?? '127.0.0.1'}:${port}`,
        server,
        log,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  for (const id of opt('--generate')?.split(',') ?? []) {
    const k = knownCheckpoint(id);
    if (!k) throw new Error(`--generate: ${id} is not a known checkpoint`);
    generateCheckpoint(k, opt('--root') ? resolve(opt('--root')!) : DEFAULT_OUT);
  }
  const hub = await startLocalHub({
    root: opt('--root'),
    port: Number(opt('--port') ?? 8765),
    host: opt('--host'),
    dropOnce: opt('--drop-once') === undefined ? undefined : Number(opt('--drop-once')),
  });
  console.log(`local Hub at ${hub.url} (set the studio's Hub endpoint to it)`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void main();
