// "Try it in transformers.js": the exported key/value cache run by another runtime, transformers.js on
// onnxruntime-web, through the very snippet users download (use-with-transformers-js.mjs). The worker imports this
// module lazily, so onnxruntime-web's wasm (about 27 MB) is fetched only when someone presses the button, from the
// app's own files (never a CDN: the studio works offline). WebGPU execution first, the wasm CPU backend when
// WebGPU is missing or fails; when neither runs, the error says so and nothing else in the studio is touched.
import { AutoModelForCausalLM, env, PreTrainedTokenizer, type PreTrainedModel, type ProgressInfo } from '@huggingface/transformers';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { generateWithPrompt, readPromptCache } from './use-with-transformers-js.mjs';

export type OrtDevice = 'webgpu' | 'wasm';

/** Where transformers.js fetches a model's files: `host` + `pathTemplate` ({model}, {revision} filled in) + file. */
export interface ModelLocation {
  host: string; // e.g. https://huggingface.co/ or the app's models/ folder
  pathTemplate: string; // '{model}/resolve/{revision}/' on a Hub, '{model}/' for the app's own folder
  id: string;
  revision: string;
}

export interface TransformersJsRequest {
  /** transformers.js reads config.json, generation_config.json and onnx/model.onnx there. */
  model: ModelLocation;
  cacheBytes: Uint8Array;
  /** The rendered template of one row, without the answer. */
  text: string;
  maxNewTokens: number;
  /** Which devices to try, in order. */
  devices?: OrtDevice[];
  onProgress?: (message: string) => void;
}

export interface TransformersJsReply {
  ids: number[];
  text: string;
  inputIds: number[];
  device: OrtDevice;
  /** Why a device earlier in the list was not used (a sentence), if one was tried. */
  fallback: string | null;
}

export class TransformersJsUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransformersJsUnavailable';
  }
}

// One loaded model per folder and device: a second try reuses it.
const loaded = new Map<string, Promise<{ model: PreTrainedModel; tokenizer: PreTrainedTokenizer }>>();


const fileUrl = (m: ModelLocation, file: string) =>
  `${m.host.replace(/\/*$/, '/')}${m.pathTemplate.replaceAll('{model}', m.id).replaceAll('{revision}', encodeURIComponent(m.revision))}${file}`;

async function fetchJson(m: ModelLocation, file: string): Promise<object> {
  const res = await fetch(fileUrl(m, file));
  if (!res.ok || (res.headers.get('content-type') ?? '').includes('text/html')) throw new Error(`${fileUrl(m, file)} answered ${res.status} ${res.statusText}`);
  return (await res.json()) as object;
}

async function load(m: ModelLocation, device: OrtDevice, onProgress?: (message: string) => void) {
  const key = `${device} ${fileUrl(m, '')}`;
  let entry = loaded.get(key);
  if (!entry) {
    entry = (async () => {
      // The app's own copy of onnxruntime-web's wasm (Vite emits it), not transformers.js's default CDN address.
      const onnx = env.backends.onnx as { wasm?: { wasmPaths?: unknown } };
      if (onnx.wasm) onnx.wasm.wasmPaths = { wasm: new URL(ortWasmUrl, self.location.href).href };
      // transformers.js fetches "remote" models from remoteHost + remotePathTemplate: pointed at the app's own
      // folder for the bundled model, at the Hub endpoint for a Hub id (its "local models" must be file paths).
      // These settings are global: set them for this load only (the studio's own tokenizer loader sets its own).
      const saved = { allowLocalModels: env.allowLocalModels, allowRemoteModels: env.allowRemoteModels, remoteHost: env.remoteHost, remotePathTemplate: env.remotePathTemplate, useBrowserCache: env.useBrowserCache };
      Object.assign(env, { allowLocalModels: false, allowRemoteModels: true, remoteHost: m.host, remotePathTemplate: m.pathTemplate, useBrowserCache: false });
      const progress_callback = (p: ProgressInfo) => {
        if (p.status === 'progress' && 'file' in p && typeof p.progress === 'number') onProgress?.(`transformers.js: ${p.file} ${p.progress.toFixed(0)}%`);
      };
      // The tokenizer as the studio builds its own (tokenizer.json + tokenizer_config.json), so both runtimes read
      // the same ids; the model through transformers.js's loader, as a page of the user's would.
      try {
        const tokenizer = new PreTrainedTokenizer(await fetchJson(m, 'tokenizer.json'), await fetchJson(m, 'tokenizer_config.json'));
        const model = await AutoModelForCausalLM.from_pretrained(m.id, { revision: m.revision, dtype: 'fp32', device, progress_callback });
        return { model, tokenizer };
      } finally {
        Object.assign(env, saved);
      }
    })();
    loaded.set(key, entry);
    entry.catch(() => loaded.delete(key));
  }
  return entry;
}

/** Whether WebGPU gives an adapter here. Asked before onnxruntime-web is: once its WebGPU backend has failed to
 *  start, the same wasm module will not start for the CPU either, so the choice must be right the first time. */
async function hasWebGpuAdapter(): Promise<boolean> {
  const gpu = typeof navigator !== 'undefined' ? (navigator as Navigator & { gpu?: GPU }).gpu : undefined;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) !== null;
  } catch {
    return false;
  }
}

function describe(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > 300 ? `${m.slice(0, 297)}...` : m;
}

/** Loads the cache, checks it against the model, and generates greedily with it on the first device that runs. */
export async function runWithTransformersJs(req: TransformersJsRequest): Promise<TransformersJsReply> {
  const devices = req.devices ?? ((await hasWebGpuAdapter()) ? ['webgpu', 'wasm'] : ['wasm']);
  if (typeof WebAssembly === 'undefined' && !devices.includes('webgpu'))
    throw new TransformersJsUnavailable('transformers.js cannot run in this browser: it has neither WebGPU nor WebAssembly. The studio itself keeps working.');
  const failures: string[] = [];
  for (const device of devices) {
    let model: PreTrainedModel;
    let tokenizer: PreTrainedTokenizer;
    try {
      req.onProgress?.(`Loading the model into transformers.js (${device === 'webgpu' ? 'WebGPU' : 'WebAssembly'})…`);
      ({ model, tokenizer } = await load(req.model, device, req.onProgress));
    } catch (e) {
      const why = describe(e);
      if (/onnx\/model\.onnx|model\.onnx/.test(why) && /404|not found|Could not locate/i.test(why))
        throw new TransformersJsUnavailable(`this model has no ONNX export at ${fileUrl(req.model, 'onnx/model.onnx')}, which transformers.js needs; the bundled demo model has one (the .safetensors weights alone are not enough)`);
      failures.push(`${device}: ${why}`);
      continue;
    }
    // A cache made for another checkpoint is the user's mistake, not the device's: say so, do not fall back.
    const prompt = readPromptCache(req.cacheBytes, model.config as never);
    try {
      req.onProgress?.(`Generating with transformers.js (${device})…`);
      const r = await generateWithPrompt({ model, tokenizer, prompt, text: req.text, maxNewTokens: req.maxNewTokens });
      return { ...r, device, fallback: failures.length > 0 ? failures.join('; ') : null };
    } catch (e) {
      failures.push(`${device}: ${describe(e)}`);
    }
  }
  throw new TransformersJsUnavailable(`transformers.js could not run here (${failures.join('; ')}). The studio itself keeps working.`);
}
