// Export: the PEFT adapter (zip: adapter_config.json + adapter_model.safetensors, row_format.json, and the
// continue-in-peft/ folder that goes on training in Python with PEFT + accelerate), the plain prompt table as
// safetensors, a JSON summary of the run, and the studio's own checkpoint (resumable); import a checkpoint.
import type { ExportKind } from '../../worker/protocol.ts';
import { exportResult, importAdapter, importCheckpoint } from '../actions/export.ts';
import { ErrorLine } from '../components/ErrorLine.tsx';
import { Panel } from '../components/Panel.tsx';
import { TryTransformersJs } from './TryTransformersJs.tsx';
import { useStudio } from '../store.ts';

const EXPORTS: { kind: ExportKind; testId: string; label: string; note: string }[] = [
  { kind: 'peft-zip', testId: 'export.peft', label: 'PEFT adapter (.zip)', note: 'loads with PeftModel.from_pretrained; continue-in-peft/ trains on in Python (accelerate launch train.py)' },
  { kind: 'safetensors', testId: 'export.safetensors', label: 'Prompt table (.safetensors)', note: 'prompt_embeddings only' },
  { kind: 'summary', testId: 'export.summary', label: 'Summary (.json)', note: 'config, curves and metrics' },
  { kind: 'checkpoint', testId: 'export.checkpoint', label: 'Studio checkpoint', note: 'parameters + optimiser state, to resume here' },
  { kind: 'kv-cache', testId: 'export.kv-cache', label: 'Key/value cache (.safetensors)', note: "the prompt as past_key_values, for transformers.js's generate() or transformers" },
  { kind: 'transformers-js', testId: 'export.transformers-js', label: 'transformers.js snippet (.mjs)', note: 'loads the key/value cache and generates with it' },
];

export function ExportPanel() {
  const exports = useStudio((s) => s.exports);
  const busy = useStudio((s) => s.train.phase === 'training' || s.train.phase === 'paused' || s.train.phase === 'evaluating');
  const modelReady = useStudio((s) => s.model.state === 'ready');
  const trained = useStudio((s) => s.train.phase !== 'idle' || s.train.runId !== null);
  return (
    <Panel title="Export" id="export">
      <div className="export-buttons">
        {EXPORTS.map((e) => (
          <button
            key={e.kind}
            type="button"
            data-testid={e.testId}
            title={e.note}
            disabled={busy || !modelReady || exports.busy !== null}
            onClick={() => void exportResult(e.kind)}
          >
            {exports.busy === e.kind ? 'Preparing…' : e.label}
          </button>
        ))}
      </div>
      <label className="field">
        <span>Import a studio checkpoint (continues from its parameters and optimiser state)</span>
        <input
          type="file"
          data-testid="export.import"
          disabled={busy || !modelReady || exports.busy !== null}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void importCheckpoint(file);
          }}
        />
      </label>
      <label className="field">
        <span>Import a PEFT adapter made for this model (the .zip, or adapter_config.json + adapter_model.safetensors)</span>
        <input
          type="file"
          multiple
          accept=".zip,.json,.safetensors"
          data-testid="export.import-adapter"
          disabled={busy || !modelReady || exports.busy !== null}
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            if (files.length > 0) void importAdapter(files);
          }}
        />
      </label>
      <ErrorLine error={exports.error} testId="export.error" />
      {exports.message && (
        <p className="ok-line" data-testid="export.message">
          {exports.message}
        </p>
      )}
      <TryTransformersJs disabled={busy || !modelReady || !trained} />
    </Panel>
  );
}
