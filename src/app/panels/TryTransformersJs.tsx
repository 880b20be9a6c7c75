// Try it in transformers.js: the exported key/value cache in another runtime (transformers.js on onnxruntime-web),
// its greedy reply beside this engine's. Equal tokens mean the downloaded cache and snippet reproduce the prompt.
import { useState } from 'react';
import { tryInTransformersJs } from '../actions/transformers-js.ts';
import { ErrorLine } from '../components/ErrorLine.tsx';
import { formatBytes } from '../format.ts';
import { useStudio } from '../store.ts';
import { useTransformersJs } from '../transformers-js-store.ts';
import { ORT_WASM_BYTES } from '../../worker/protocol.ts';

export function TryTransformersJs({ disabled }: { disabled: boolean }) {
  const firstInput = useStudio((s) => s.project.rows.find((r) => r.input.trim() !== '')?.input ?? '');
  const { running, progress, result, error } = useTransformersJs();
  const [input, setInput] = useState<string | null>(null);
  const text = input ?? firstInput;
  const device = result ? (result.transformersJs.device === 'webgpu' ? 'WebGPU' : 'WebAssembly') : '';
  return (
    <section className="try-tjs" aria-labelledby="tjs-title">
      <h3 id="tjs-title">Try it in transformers.js</h3>
      <p className="hint">
        Runs the key/value cache export in transformers.js on onnxruntime-web (WebGPU, or WebAssembly without it), as a page of your own would with the
        snippet, and compares its greedy reply with this engine&apos;s. The first try downloads onnxruntime-web ({formatBytes(ORT_WASM_BYTES)}) from this site.
      </p>
      <label className="field">
        <span>Input (the template is applied)</span>
        <textarea rows={2} data-testid="tjs.input" value={text} onChange={(e) => setInput(e.target.value)} />
      </label>
      <button type="button" data-testid="tjs.run" disabled={disabled || running || text.trim() === ''} onClick={() => void tryInTransformersJs(text, 16)}>
        {running ? 'Running…' : 'Try it in transformers.js'}
      </button>
      {progress && (
        <p className="hint" role="status" data-testid="tjs.progress">
          {progress}
        </p>
      )}
      <ErrorLine error={error} testId="tjs.error" />
      {result && (
        <>
          <p className={result.same ? 'ok-line' : 'error-line'} data-testid="tjs.verdict">
            {result.same
              ? `Same tokens: transformers.js (${device}) with the exported cache replied exactly as this engine (${result.engine.ids.length} tokens).`
              : `The replies differ: ${result.transformersJs.inputIds.join() !== result.inputIds.join() ? 'the two runtimes tokenised the input differently' : 'same input, different tokens'}.`}
          </p>
          <div className="side-by-side">
            <div>
              <h4>this engine</h4>
              <pre data-testid="tjs.engine" data-ids={result.engine.ids.join(' ')}>
                {result.engine.text}
              </pre>
            </div>
            <div>
              <h4>transformers.js ({device})</h4>
              <pre data-testid="tjs.tjs" data-ids={result.transformersJs.ids.join(' ')}>
                {result.transformersJs.text}
              </pre>
            </div>
          </div>
          {result.transformersJs.fallback && <p className="hint">Fell back to WebAssembly: {result.transformersJs.fallback}</p>}
        </>
      )}
    </section>
  );
}
