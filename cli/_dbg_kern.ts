import { harness, randn } from '../test/engine/kernels/harness.ts';
import { matmulForward } from '../src/engine/kernels/matmul.ts';
const h = await harness();
const [M, N, K] = [7, 13, 20];
const X = h.f32(randn(M * K, 1)), W = h.f32(randn(N * K, 2)), B = h.f32(randn(N, 3)), zero = h.zeros(4), Y = h.zeros(M * N);
process.on('exit', (c) => console.log('exit', c));
await h.run((p) => matmulForward(p, Y, X, W, B, zero, { M, N, K }));
console.log('ran');
console.log(await h.read(Y, 4));
