// Try it in transformers.js: the worker exports the key/value cache and runs it in transformers.js beside this
// engine; the page shows both replies.
import { studio } from '../connect.ts';
import { errorText } from '../errors.ts';
import { patchTransformersJs } from '../transformers-js-store.ts';

export async function tryInTransformersJs(input: string, maxTokens: number): Promise<void> {
  patchTransformersJs({ running: true, progress: 'Exporting the key/value cache…', error: null, result: null });
  try {
    const result = await studio.tryInTransformersJs(input, maxTokens);
    patchTransformersJs({ running: false, progress: null, result });
  } catch (e) {
    patchTransformersJs({ running: false, progress: null, error: errorText(e) });
  }
}
