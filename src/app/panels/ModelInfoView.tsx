// What the loaded model is (family, size, backend, memory, precision) and the download progress while loading.
import type { ModelInfo } from '../../worker/protocol.ts';
import { formatBytes, formatCount } from '../format.ts';
import type { ModelSlice } from '../store.ts';

export function DownloadProgress({ downloads }: { downloads: ModelSlice['downloads'] }) {
  const files = Object.entries(downloads);
  if (files.length === 0) return null;
  const loaded = files.reduce((a, [, d]) => a + d.loaded, 0);
  const known = files.every(([, d]) => d.total !== null);
  const total = known ? files.reduce((a, [, d]) => a + (d.total ?? 0), 0) : null;
  const current = files.find(([, d]) => d.total === null || d.loaded < d.total)?.[0];
  const cached = files.filter(([, d]) => d.fromCache).length;
  return (
    <div className="progress-block" data-testid="model.progress" data-loaded={loaded} data-total={total ?? ''}>
      <progress value={total ? loaded : undefined} max={total ?? undefined} />
      <span>
        {formatBytes(loaded)}
        {total !== null ? ` of ${formatBytes(total)}` : ''} · {files.length} file{files.length === 1 ? '' : 's'}
        {current ? ` · ${current}` : ''}
        {cached > 0 ? ` · ${cached === files.length ? 'from cache' : `${cached} from cache`}` : ''}
      </span>
    </div>
  );
}

const ORIGIN_TEXT: Record<string, string> = {
  cache: 'from cache (the browser kept the files)',
  hub: 'downloaded from the Hub',
  bundled: 'bundled with the studio',
  folder: 'local folder',
  disk: 'local directory',
};

export function ModelInfoView({ info }: { info: ModelInfo }) {
  const rows: [string, string][] = [
    ['name', info.name],
    ['family', info.family],
    ['parameters', formatCount(info.parameters)],
    ['shape', `${info.layers} layers · hidden ${info.hidden} · ${info.heads} heads (${info.kvHeads} KV)`],
    ['vocabulary', info.vocabSize.toLocaleString()],
    ['context', `${info.maxPositions.toLocaleString()} tokens`],
    ['backend', info.backend === 'webgpu' ? 'WebGPU' : 'CPU (slow fallback)'],
    ['memory estimate', formatBytes(info.memoryBytes)],
    ['weights', info.f16Weights ? 'f16' : 'f32'],
    ['source', ORIGIN_TEXT[info.origin ?? ''] ?? (info.fromCache ? 'from cache' : 'downloaded')],
  ];
  return (
    <dl className="info-grid" data-testid="model.info" data-family={info.family} data-backend={info.backend}>
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
