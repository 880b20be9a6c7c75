// Readable prompts: one table that puts the prompts a person can read (the template alone, a hand-written
// instruction, k in-context examples, PEZ and AutoPrompt discoveries, a soft prompt's nearest tokens) next to
// the trained ones (soft prompt, prefix), all on the same validation split and metric, with copyable text.
import { compareBaselines, copyPrompt, readOutSoftPrompt, stopBaselines } from '../actions/prompts.ts';
import { ErrorLine } from '../components/ErrorLine.tsx';
import { NumberField } from '../components/NumberField.tsx';
import { Panel } from '../components/Panel.tsx';
import type { PromptsSetup } from '../project.ts';
import { usePrompts } from '../prompts-store.ts';
import { fixed } from '../format.ts';
import { updateProject, useStudio } from '../store.ts';
import { BASELINE_ROWS } from '../../tuning/discrete/baseline-rows.ts';
import { useEngineJob } from '../engine-busy.ts';

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

/** Whitespace made visible where it matters (a trailing newline is part of the prompt). */
const shown = (text: string) => text.replace(/\n/g, '⏎\n');

export function PromptsPanel() {
  const prompts = useStudio((s) => s.project.prompts);
  const modelReady = useStudio((s) => s.model.state === 'ready');
  const kind = useStudio((s) => s.data.summary?.kind ?? 'classification');
  const engineJob = useEngineJob();
  const state = usePrompts();
  const set = (value: Partial<PromptsSetup>) => updateProject((p) => ({ prompts: { ...p.prompts, ...value } }));
  const busy = engineJob !== null || !modelReady;
  const byId = new Map(state.rows.map((r) => [r.id, r]));
  const metric = kind === 'generation' ? 'exact match' : 'accuracy';

  return (
    <Panel title="Readable prompts" id="prompts">
      <p className="hint">
        Soft prompts work but cannot be read. Compare them with prompts you can read and paste anywhere: your own instruction, examples from the
        training split, and hard prompts found by PEZ and AutoPrompt — all on the same validation split. The soft prompt and the prefix are
        trained here with the studio’s defaults for the steps below. On a CPU-emulated GPU this takes minutes.
      </p>
      <label className="field">
        <span>Hand-written instruction (typed before the template)</span>
        <textarea
          data-testid="prompts.instruction"
          rows={2}
          value={prompts.instruction}
          placeholder="e.g. Classify the sentiment of this review."
          disabled={state.running !== null}
          onChange={(e) => set({ instruction: e.target.value })}
        />
      </label>
      <div className="grid-fields">
        <NumberField label="k-shot examples" testId="prompts.shots" value={prompts.shots} integer min={0} onChange={(v) => set({ shots: v })} title="demonstrations from the training split, as many as fit in the model's context" />
        <NumberField label="PEZ tokens" testId="prompts.pez-length" value={prompts.pezLength} integer min={1} onChange={(v) => set({ pezLength: v })} />
        <NumberField label="PEZ steps" testId="prompts.pez-steps" value={prompts.pezSteps} integer min={1} onChange={(v) => set({ pezSteps: v })} />
        <NumberField label="AutoPrompt triggers" testId="prompts.trigger-length" value={prompts.triggerLength} integer min={1} onChange={(v) => set({ triggerLength: v })} />
        <NumberField label="AutoPrompt iterations" testId="prompts.autoprompt-iterations" value={prompts.autopromptIterations} integer min={1} onChange={(v) => set({ autopromptIterations: v })} title="one trigger position updated per iteration" />
        <NumberField label="candidates" testId="prompts.candidates" value={prompts.candidates} integer min={1} onChange={(v) => set({ candidates: v })} title="AutoPrompt: the top-k tokens by gradient, each re-scored by a forward pass" />
        <NumberField label="soft prompt / prefix steps" testId="prompts.train-steps" value={prompts.trainSteps} integer min={1} onChange={(v) => set({ trainSteps: v })} />
      </div>
      <div className="train-controls">
        <button type="button" data-testid="prompts.compare" disabled={busy} onClick={() => void compareBaselines()}>
          Compare prompts
        </button>
        <button type="button" data-testid="prompts.stop" disabled={state.running !== 'compare'} onClick={() => void stopBaselines()}>
          Stop
        </button>
        <button type="button" data-testid="prompts.readout" disabled={busy} onClick={() => void readOutSoftPrompt()} title="the trained soft prompt with each virtual token replaced by its nearest vocabulary token, scored">
          Score the soft prompt’s nearest tokens
        </button>
      </div>
      {state.running === 'compare' && (
        <div data-testid="prompts.progress" data-fraction={state.progress?.fraction ?? 0}>
          <progress max={1} value={state.progress?.fraction ?? 0} />
          <p className="progress-line">{state.progress?.message ?? 'Starting…'}</p>
        </div>
      )}
      {state.readOut && (
        <p className="ok-line" data-testid="prompts.readout-result">
          Soft prompt {pct(state.readOut.tunedAccuracy)} → as its nearest tokens {pct(state.readOut.accuracy)}: <code className="prompt-text">{shown(state.readOut.text)}</code>
        </p>
      )}
      {(state.running === 'compare' || state.rows.length > 0) && (
        <div className="table-wrap">
          <table className="data-table prompts-table" data-testid="prompts.table">
            <thead>
              <tr>
                <th>prompt</th>
                <th>{metric}</th>
                {kind === 'generation' && (
                  <>
                    <th title="SQuAD token F1">token F1</th>
                    <th title="ROUGE-L F-measure (rouge_score)">ROUGE-L</th>
                    <th title="chrF (sacreBLEU), 0–100">chrF</th>
                  </>
                )}
                <th>text (put before the template)</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {BASELINE_ROWS.map(({ id, title }) => {
                const row = byId.get(id);
                const text = row?.promptText ?? null;
                return (
                  <tr key={id} data-testid={`prompts.row-${id}`} data-state={row ? (row.accuracy === null ? 'skipped' : 'done') : state.progress?.row === id ? 'running' : 'waiting'}>
                    <td title={row?.note}>
                      {title}
                      {row && <small className="hint"> {row.note}</small>}
                    </td>
                    <td data-testid={`prompts.accuracy-${id}`} data-value={row?.accuracy ?? ''}>
                      {row ? pct(row.accuracy) : state.progress?.row === id ? '…' : ''}
                    </td>
                    {kind === 'generation' && (
                      <>
                        <td data-testid={`prompts.token_f1-${id}`} data-value={row?.text?.tokenF1 ?? ''}>{row?.text ? fixed(row.text.tokenF1) : ''}</td>
                        <td data-testid={`prompts.rouge_l-${id}`} data-value={row?.text?.rougeL ?? ''}>{row?.text ? fixed(row.text.rougeL) : ''}</td>
                        <td data-testid={`prompts.chrf-${id}`} data-value={row?.text?.chrf ?? ''}>{row?.text ? fixed(row.text.chrf, 1) : ''}</td>
                      </>
                    )}
                    <td>
                      {text ? (
                        <code className="prompt-text" data-testid={`prompts.text-${id}`} title={row?.tokenIds ? `token ids ${row.tokenIds.join(' ')}` : undefined}>
                          {shown(text)}
                        </code>
                      ) : null}
                    </td>
                    <td>
                      {text ? (
                        <button type="button" data-testid={`prompts.copy-${id}`} onClick={() => void copyPrompt(id, text)}>
                          {state.copied === id ? 'Copied' : 'Copy'}
                        </button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <ErrorLine error={state.error} testId="prompts.error" />
    </Panel>
  );
}
