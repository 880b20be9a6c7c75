// Model: the bundled demo model (loaded at start), a Hugging Face model id, or a local folder; the CPU fallback
// when WebGPU is missing; progress while loading; what the loaded model is.
import type { InputHTMLAttributes } from 'react';
import { clearModelCache, loadModel } from '../actions/model.ts';
import { ErrorLine } from '../components/ErrorLine.tsx';
import { Panel } from '../components/Panel.tsx';
import { DEMO_MODEL, HUB_EXAMPLE_ID, SUPPORTED_FAMILIES } from '../defaults.ts';
import { updateProject, useStudio } from '../store.ts';
import { DownloadProgress, ModelInfoView } from './ModelInfoView.tsx';
import { KnownCheckpoints } from './KnownCheckpoints.tsx';

// React's types lack the (widely supported) folder-picker attribute.
const folderPicker = { webkitdirectory: '', directory: '' } as InputHTMLAttributes<HTMLInputElement>;

function statusText(state: string, label: string, message: string, name: string | undefined): string {
  switch (state) {
    case 'loading':
      return `Loading ${label}…${message ? ` ${message}` : ''}`;
    case 'ready':
      return `Ready: ${name ?? label}`;
    case 'failed':
      return `Could not load ${label}.`;
    default:
      return 'No model loaded yet.';
  }
}

export function ModelPanel() {
  const model = useStudio((s) => s.model);
  const device = useStudio((s) => s.device);
  const hubId = useStudio((s) => s.project.hubId);
  const hubRevision = useStudio((s) => s.project.hubRevision);
  const hubEndpoint = useStudio((s) => s.project.hubEndpoint ?? '');
  const busy = model.state === 'loading';
  const gpu = device.kind === 'ready';
  return (
    <Panel title="Model" id="model">
      <p className="model-status" data-testid="model.status" data-state={model.state} aria-live="polite">
        {statusText(model.state, model.label, model.message, model.info?.name)}
      </p>
      {busy && <DownloadProgress downloads={model.downloads} />}
      <ErrorLine error={model.error} testId="model.error" />
      <div className="model-sources">
        <div className="source">
          <button type="button" data-testid="model.source-demo" disabled={busy || !gpu} onClick={() => void loadModel(DEMO_MODEL)}>
            Load demo model
          </button>
          {device.kind === 'unavailable' && (
            <button type="button" data-testid="model.cpu-fallback" disabled={busy} onClick={() => void loadModel(DEMO_MODEL, true)}>
              Run the demo model on the CPU (slow)
            </button>
          )}
        </div>
        <form
          className="source hub"
          onSubmit={(e) => {
            e.preventDefault();
            void loadModel({ kind: 'hub', id: hubId.trim(), revision: hubRevision.trim() || 'main', endpoint: hubEndpoint.trim() || undefined });
          }}
        >
          <KnownCheckpoints ready={gpu} selected={hubId.trim()} onPick={(id) => updateProject({ hubId: id, hubRevision: 'main' })} />
          <label className="field wide">
            <span>Hugging Face model id</span>
            <input data-testid="model.hub-id" value={hubId} placeholder={HUB_EXAMPLE_ID} onChange={(e) => updateProject({ hubId: e.target.value })} />
          </label>
          <label className="field">
            <span>revision</span>
            <input data-testid="model.hub-revision" value={hubRevision} onChange={(e) => updateProject({ hubRevision: e.target.value })} />
          </label>
          <button type="submit" data-testid="model.source-hub" disabled={busy || !gpu || hubId.trim() === ''}>
            Download &amp; load
          </button>
          <label className="field wide">
            <span>Hub endpoint</span>
            <input
              data-testid="model.hub-endpoint"
              value={hubEndpoint}
              placeholder="https://huggingface.co"
              aria-describedby="hub-endpoint-hint"
              onChange={(e) => updateProject({ hubEndpoint: e.target.value })}
            />
          </label>
          <p className="hint" id="hub-endpoint-hint">
            Works with {SUPPORTED_FAMILIES} (safetensors, BF16/F16/F32, up to about a billion parameters). The endpoint is
            the Hub's address: leave it empty for huggingface.co, or point it at a mirror or a local Hub (npm run local-hub).
          </p>
        </form>
        <label className="source folder">
          <span>Local folder (config.json, tokenizer.json, *.safetensors):</span>
          <input
            type="file"
            multiple
            {...folderPicker}
            data-testid="model.folder"
            disabled={busy || !gpu}
            onChange={(e) => {
              const files = Array.from(e.target.files ?? []);
              if (files.length > 0) void loadModel({ kind: 'files', files });
            }}
          />
        </label>
        <button type="button" className="secondary" data-testid="model.clear-cache" disabled={busy} onClick={() => void clearModelCache()}>
          Clear model cache
        </button>
      </div>
      {model.info && <ModelInfoView info={model.info} />}
    </Panel>
  );
}
