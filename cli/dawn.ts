// Node-only: WebGPU through Dawn (the `webgpu` npm package). On machines without a GPU, Dawn finds SwiftShader
// (a CPU Vulkan) through the ICD that Debian's chromium ships; we point at it unless the caller chose one.
import { create, globals } from 'webgpu';
import { existsSync } from 'node:fs';
import { acquireGpu, type GpuContext } from '../src/engine/gpu/device.ts';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

let cached: Promise<GpuContext> | null = null;
// Dawn's instance lives exactly as long as the object `create` returns is reachable. Held only by a local, it was
// garbage-collected while the device was still in use, and the next event-processing tick ran on freed memory:
// the "nondeterministic" SwiftShader aborts (segfault in CallbackTaskManager::Flush, glibc's futex errors on a
// freed mutex) were this. The cached context holds it (GpuContext.instance) until releaseDawn(), which lets the
// process exit.

/** One shared Dawn device per process. Throws a clear reason when no adapter exists (never skips). `flags` are
 *  dawn.node's create() options (e.g. `disable-dawn-features=…`); only the first call's count. */
export function dawnGpu(flags: string[] = []): Promise<GpuContext> {
  if (!cached) {
    if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(SWIFTSHADER_ICD))
      process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    Object.assign(globalThis, globals);
    const gpu = create(flags) as unknown as GPU;
    cached = acquireGpu(gpu).catch((e: unknown) => {
      throw new Error(
        `No WebGPU adapter in Node (Dawn): ${(e as Error).message}\n` +
          `Install Debian's chromium (for SwiftShader, ${SWIFTSHADER_ICD}) and libvulkan1, ` +
          `or set VK_ICD_FILENAMES to a Vulkan driver.`,
      );
    });
  }
  return cached;
}

/** Drops the Dawn instance (after every device is done with), so that Node's event loop can end. */
export function releaseDawn(): void {
  cached = null;
}
