// "Try it in transformers.js": the exported key/value cache run by another runtime, transformers.js on
// onnxruntime-web, through the very snippet users download (use-with-transformers-js.mjs). The worker imports this
// module lazily, so onnxruntime-web's wasm (about 27 MB) is fetched only when someone presses the button, from the
// app's own files (never a CDN: the studio works offline). WebGPU execution first, the wasm CPU backend when
// WebGPU is missing or fails; when neither runs, the error says so and nothing else in the studio is touched.
import { AutoModelForCausalLM, AutoTokenizer, env, type PreTrainedModel, type PreTrainedTokenizer, type ProgressInfo } from '@huggingface/transformers';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { generateWithPrompt, readPromptCache } from './use-with-transformers-js.mjs';

export type OrtDevice = 'webgpu' | 'wasm';

export interface TransformersJsRequest {
  /** The model folder by URL: transformers.js reads config.json, tokenizer files and onnx/model.onnx under it. */
  modelBaseUrl: string;
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

function splitBase(url: string): { base: string; name: string } {
  const dir = new URL(url.endsWith('/') ? url : `${url}/`);
  const name = dir.pathname.split('/').filter(Boolean).pop() ?? '';
  return { base: new URL('../', dir).href, name };
}

async function load(modelBaseUrl: string, device: OrtDevice, onProgress?: (message: string) => void) {
  const key = `${device} ${modelBaseUrl}`;
  let entry = loaded.get(key);
  if (!entry) {
    entry = (async () => {
      // The app's own copy of onnxruntime-web's wasm (Vite emits it), not transformers.js's default CDN address.
      const onnx = env.backends.onnx as { wasm?: { wasmPaths?: unknown; numThreads?: number } };
      if (onnx.wasm) onnx.wasm.wasmPaths = { wasm: new URL(ortWasmUrl, self.location.href).href };
      // transformers.js treats a folder under localModelPath as a "local model": the folder's URL, nothing else.
      const { base, name } = splitBase(modelBaseUrl);
      Object.assign(env, { allowLocalModels: true, allowRemoteModels: false, localModelPath: base, useBrowserCache: false });
      const progress_callback = (p: ProgressInfo) => {
        if (p.status === 'progress' && 'file' in p && typeof p.progress === 'number') onProgress?.(`transformers.js: ${p.file} ${p.progress.toFixed(0)}%`);
      };
      const tokenizer = await AutoTokenizer.from_pretrained(name);
      const model = await AutoModelForCausalLM.from_pretrained(name, { dtype: 'fp32', device, progress_callback });
      return { model, tokenizer };
    })();
    loaded.set(key, entry);
    entry.catch(() => loaded.delete(key));
  }
  return entry;
}

function describe(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > 300 ? `${m.slice(0, 297)}...` : m;
}

/** Loads the cache, checks it against the model, and generates greedily with it on the first device that runs. */
export async function runWithTransformersJs(req: TransformersJsRequest): Promise<TransformersJsReply> {
  const devices = req.devices ?? (typeof navigator !== 'undefined' && 'gpu' in navigator ? ['webgpu', 'wasm'] : ['wasm']);
  if (typeof WebAssembly === 'undefined' && !devices.includes('webgpu'))
    throw new TransformersJsUnavailable('transformers.js cannot run in this browser: it has neither WebGPU nor WebAssembly. The studio itself keeps working.');
  const failures: string[] = [];
  for (const device of devices) {
    let model: PreTrainedModel;
    let tokenizer: PreTrainedTokenizer;
    try {
      req.onProgress?.(`Loading the model into transformers.js (${device === 'webgpu' ? 'WebGPU' : 'WebAssembly'})…`);
      ({ model, tokenizer } = await load(req.modelBaseUrl, device, req.onProgress));
    } catch (e) {
      const why = describe(e);
      if (/onnx\/model\.onnx|model\.onnx/.test(why) && /404|not found|Could not locate/i.test(why))
        throw new TransformersJsUnavailable(`this model has no ONNX export at ${req.modelBaseUrl}onnx/model.onnx, which transformers.js needs; the bundled demo model has one (the .safetensors weights alone are not enough)`);
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
