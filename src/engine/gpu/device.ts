// Adapter and device acquisition, shared by the browser worker and Node (Dawn). We ask for the adapter's own
// limits (the defaults cap storage buffers at 128 MiB, too small for real checkpoints) and for the optional
// features the kernels can use; every kernel has an f32 / non-subgroup fallback.

export interface GpuFeatures {
  shaderF16: boolean;
  subgroups: boolean;
  timestampQuery: boolean;
}

export interface AdapterSummary {
  name: string; // human-readable: vendor + architecture + device + description, whichever the adapter reports
  vendor: string;
  architecture: string;
  description: string;
  isFallbackAdapter: boolean;
  features: GpuFeatures;
  limits: {
    maxStorageBufferBindingSize: number;
    maxBufferSize: number;
    maxComputeWorkgroupStorageSize: number;
    maxComputeInvocationsPerWorkgroup: number;
    maxComputeWorkgroupSizeX: number;
    maxStorageBuffersPerShaderStage: number;
  };
}

export interface GpuContext {
  device: GPUDevice;
  adapter: AdapterSummary;
  /** The `navigator.gpu` the device came from. Dawn in Node frees its instance, and with it every device, when
   *  this object is garbage-collected, so whoever holds the context holds it too. */
  instance: GPU;
  /** Resolves when the device is lost (driver reset, tab backgrounded too long, GPU removed). */
  lost: Promise<GPUDeviceLostInfo>;
}

export class NoWebGpuError extends Error {
  constructor(reason: string) {
    super(
      `${reason} WebGPU works in Chrome/Edge 113+ (desktop), Chrome 121+ on Android, Safari 26+, and Firefox 141+ on ` +
        `Windows. On Linux Chrome, enable chrome://flags/#enable-unsafe-webgpu (and Vulkan). ` +
        `Without WebGPU the bundled demo model can still run on the (slow) CPU fallback.`,
    );
    this.name = 'NoWebGpuError';
  }
}

/** A CPU-emulated Vulkan driver (SwiftShader, llvmpipe/lavapipe), by the adapter's name: a few GFLOP/s, where
 *  kernels and benchmark shapes are chosen differently than on a GPU. */
export const isSoftwareAdapter = (name: string): boolean => /swiftshader|llvmpipe|lavapipe/i.test(name);

function summarise(adapter: GPUAdapter): AdapterSummary {
  const info = adapter.info;
  const parts = [info?.vendor, info?.architecture, info?.device, info?.description].filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  );
  const l = adapter.limits;
  return {
    name: parts.length > 0 ? [...new Set(parts)].join(' ') : 'unknown adapter',
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    description: info?.description ?? '',
    isFallbackAdapter: Boolean((info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter),
    features: {
      shaderF16: adapter.features.has('shader-f16'),
      subgroups: adapter.features.has('subgroups'),
      timestampQuery: adapter.features.has('timestamp-query'),
    },
    limits: {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
    },
  };
}

/** Acquires a device from `gpu` (navigator.gpu in a browser, `webgpu`'s create() in Node). */
export async function acquireGpu(gpu: GPU | undefined): Promise<GpuContext> {
  if (!gpu) throw new NoWebGpuError('This browser does not expose WebGPU (navigator.gpu is missing).');
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new NoWebGpuError('WebGPU is present but no GPU adapter is available.');
  const summary = summarise(adapter);
  const wanted: GPUFeatureName[] = [];
  if (summary.features.shaderF16) wanted.push('shader-f16');
  if (summary.features.subgroups) wanted.push('subgroups' as GPUFeatureName);
  if (summary.features.timestampQuery) wanted.push('timestamp-query');
  const l = adapter.limits;
  const device = await adapter.requestDevice({
    requiredFeatures: wanted,
    requiredLimits: {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
    },
  });
  return { device, adapter: summary, instance: gpu, lost: device.lost };
}
