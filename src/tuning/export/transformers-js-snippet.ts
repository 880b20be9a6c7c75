// The snippet users download beside kv-cache.safetensors, as text: the very module the studio's "Try it in
// transformers.js" imports and runs, so what is tested is what is shipped. (Vite's `?raw`; the page and the worker
// import this, Node tools read the file from disk.)
import snippet from './use-with-transformers-js.mjs?raw';

export { SNIPPET_FILE } from './kv-cache.ts';
export const transformersJsSnippet: string = snippet;
