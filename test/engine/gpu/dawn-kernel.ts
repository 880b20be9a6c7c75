// Runs one WGSL kernel on Dawn in Node and prints {adapter, maxErr} as JSON: a child process of device.test.ts.
// It releases Dawn and ends without process.exit: the event loop must drain by itself.
import { dawnGpu, releaseDawn } from '../../../cli/dawn.ts';

const { device, adapter } = await dawnGpu();
const n = 1000;
const a = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
const b = Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.5));
const module = device.createShaderModule({
  code: /* wgsl */ `
    @group(0) @binding(0) var<storage, read> a: array<f32>;
    @group(0) @binding(1) var<storage, read> b: array<f32>;
    @group(0) @binding(2) var<storage, read_write> y: array<f32>;
    @compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3u) {
      if (id.x < arrayLength(&y)) { y[id.x] = 2.0 * a[id.x] + b[id.x] * b[id.x]; }
    }`,
});
const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
const upload = (x: Float32Array) => {
  const buf = device.createBuffer({ size: x.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buf, 0, x);
  return buf;
};
const y = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
const read = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
const bind = device.createBindGroup({
  layout: pipeline.getBindGroupLayout(0),
  entries: [upload(a), upload(b), y].map((buffer, binding) => ({ binding, resource: { buffer } })),
});
const enc = device.createCommandEncoder();
const pass = enc.beginComputePass();
pass.setPipeline(pipeline);
pass.setBindGroup(0, bind);
pass.dispatchWorkgroups(Math.ceil(n / 64));
pass.end();
enc.copyBufferToBuffer(y, 0, read, 0, n * 4);
device.queue.submit([enc.finish()]);
await read.mapAsync(GPUMapMode.READ);
const got = new Float32Array(read.getMappedRange().slice(0));
read.unmap();
let maxErr = 0;
for (let i = 0; i < n; i++) maxErr = Math.max(maxErr, Math.abs(got[i] - (2 * a[i] + b[i] * b[i])));
console.log(JSON.stringify({ adapter: adapter.name, maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize, maxErr }));
releaseDawn();
