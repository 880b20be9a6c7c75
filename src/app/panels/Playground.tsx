// The generation playground: one input, generated with the plain template and with the tuned prompt.
import { useState } from 'react';
import { generate } from '../actions/results.ts';
import { NumberField } from '../components/NumberField.tsx';
import { DEFAULT_GENERATION } from '../defaults.ts';
import { useStudio } from '../store.ts';

export function Playground({ disabled }: { disabled: boolean }) {
  const firstInput = useStudio((s) => s.project.rows.find((r) => r.input.trim() !== '')?.input ?? '');
  const generation = useStudio((s) => s.results.generation);
  const generating = useStudio((s) => s.results.generating);
  const [input, setInput] = useState<string | null>(null);
  const [opts, setOpts] = useState(DEFAULT_GENERATION);
  const text = input ?? firstInput;
  return (
    <div className="playground">
      <h3>Playground</h3>
      <label className="field">
        <span>Input (the template is applied)</span>
        <textarea rows={2} data-testid="play.input" value={text} onChange={(e) => setInput(e.target.value)} />
      </label>
      <div className="row">
        <NumberField label="max tokens" testId="play.max-tokens" value={opts.maxTokens} integer min={1} max={256} step={1} onChange={(maxTokens) => setOpts({ ...opts, maxTokens })} />
        <NumberField label="temperature" testId="play.temperature" title="0 = greedy (always the most likely token)" value={opts.temperature} min={0} max={2} step={0.1} onChange={(temperature) => setOpts({ ...opts, temperature })} />
        <NumberField label="top-k" testId="play.top-k" title="draw only from the k most likely tokens; 1 = greedy, 0 = the whole vocabulary" value={opts.topK} integer min={0} step={1} onChange={(topK) => setOpts({ ...opts, topK })} />
        <NumberField label="seed" testId="play.seed" title="the same seed gives the same text; both sides use it" value={opts.seed} integer min={0} step={1} onChange={(seed) => setOpts({ ...opts, seed })} />
        <button type="button" data-testid="play.generate" disabled={disabled || generating || text.trim() === ''} onClick={() => void generate(text, opts)}>
          {generating ? 'Generating…' : 'Generate'}
        </button>
      </div>
      {generation && (
        <div className="side-by-side">
          <div>
            <h4>without the prompt</h4>
            <pre data-testid="play.base">{generation.base}</pre>
          </div>
          <div>
            <h4>with the tuned prompt</h4>
            <pre data-testid="play.tuned">{generation.tuned ?? '(no tuned prompt yet)'}</pre>
          </div>
        </div>
      )}
    </div>
  );
}
