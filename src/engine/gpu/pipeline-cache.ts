// Compute pipelines cached per device, keyed by WGSL source + entry point + override constants, so that a shader
// compiles once per device however many models, programs or tests ask for it. Compile up front, never in a step.

export interface PipelineSpec {
  code: string; // WGSL
  entryPoint?: string; // default 'main'
  constants?: Record<string, number>; // pipeline-overridable constants (`override` in WGSL)
}

type Cache = Map<string, Promise<GPUComputePipeline> | GPUComputePipeline>;
const caches = new WeakMap<GPUDevice, Cache>();

export function pipelineKey(s: PipelineSpec): string {
  const constants = Object.entries(s.constants ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return `${s.entryPoint ?? 'main'}\u0000${JSON.stringify(constants)}\u0000${s.code}`;
}

function cacheOf(device: GPUDevice): Cache {
  let c = caches.get(device);
  if (!c) caches.set(device, (c = new Map()));
  return c;
}

function describe(device: GPUDevice, s: PipelineSpec): GPUComputePipelineDescriptor {
  const compute: GPUProgrammableStage = { module: device.createShaderModule({ code: s.code }), entryPoint: s.entryPoint ?? 'main' };
  if (s.constants) compute.constants = s.constants; // only when present: an explicit undefined is not a record
  return { layout: 'auto', compute };
}

/** createComputePipelineAsync with a readable error (compilation messages with line:column) on failure. */
export function getPipeline(device: GPUDevice, s: PipelineSpec): Promise<GPUComputePipeline> {
  const cache = cacheOf(device);
  const key = pipelineKey(s);
  const hit = cache.get(key);
  if (hit) return Promise.resolve(hit);
  const desc = describe(device, s);
  const pending = device.createComputePipelineAsync(desc).then(
    (p) => {
      cache.set(key, p);
      return p;
    },
    async (e: unknown) => {
      cache.delete(key);
      const info = await desc.compute.module.getCompilationInfo();
      const msgs = info.messages.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('\n');
      throw new Error(`compute pipeline failed to compile: ${(e as Error).message}\n${msgs}`, { cause: e });
    },
  );
  cache.set(key, pending);
  return pending;
}
