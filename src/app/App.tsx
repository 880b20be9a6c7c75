// The studio's single screen, in the spirit of TensorFlow Playground: device and model on top, then the
// data → method → train flow left to right, results and export below.
import { DataPanel } from './panels/DataPanel.tsx';
import { ExportPanel } from './panels/ExportPanel.tsx';
import { MetaPanel } from './panels/MetaPanel.tsx';
import { MethodPanel } from './panels/MethodPanel.tsx';
import { ModelPanel } from './panels/ModelPanel.tsx';
import { PromptsPanel } from './panels/PromptsPanel.tsx';
import { ResultsPanel } from './panels/ResultsPanel.tsx';
import { StatusBar } from './panels/StatusBar.tsx';
import { TrainPanel } from './panels/TrainPanel.tsx';
import { useStudio } from './store.ts';

export function App() {
  const workerError = useStudio((s) => s.workerError);
  return (
    <div className="studio">
      <StatusBar />
      {workerError && (
        <div className="banner-error" role="alert" data-testid="app.error">
          {workerError}
          <button type="button" className="icon" aria-label="dismiss" onClick={() => useStudio.setState({ workerError: null })}>
            ✕
          </button>
        </div>
      )}
      <main>
        <div className="title-row">
          <h1>Soft Prompt Studio</h1>
          <p>Train a soft prompt, a prefix or a P-tuning encoder for a frozen language model, on your GPU.</p>
        </div>
        <ModelPanel />
        <div className="flow">
          <DataPanel />
          <MethodPanel />
          <TrainPanel />
        </div>
        <div className="outcome">
          <ResultsPanel />
          <ExportPanel />
        </div>
        <PromptsPanel />
        <MetaPanel />
      </main>
    </div>
  );
}
