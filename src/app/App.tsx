// The studio's single screen, in the spirit of Teachable Machine and TensorFlow Playground: one flow,
// Model → Data → Train → Use, each step with a sentence saying what it is for; the deeper tools (readable prompts,
// meta-learning) below it, reachable but not in the way.
import type { MouseEvent } from 'react';
import { DataPanel } from './panels/DataPanel.tsx';
import { ExportPanel } from './panels/ExportPanel.tsx';
import { MetaPanel } from './panels/MetaPanel.tsx';
import { MethodPanel } from './panels/MethodPanel.tsx';
import { ModelPanel } from './panels/ModelPanel.tsx';
import { PromptsPanel } from './panels/PromptsPanel.tsx';
import { ResultsPanel } from './panels/ResultsPanel.tsx';
import { SharedBanner } from './panels/SharedBanner.tsx';
import { ShareLink } from './panels/ShareLink.tsx';
import { StatusBar } from './panels/StatusBar.tsx';
import { TrainPanel } from './panels/TrainPanel.tsx';
import { useStudio } from './store.ts';

const STEPS = [
  { n: 1, id: 'model', name: 'Model', text: 'The frozen language model the prompt is trained for: the bundled demo model loads by itself.' },
  { n: 2, id: 'data', name: 'Data', text: 'Examples of what the model should do: a sample task is loaded; paste, upload or edit your own.' },
  { n: 3, id: 'train', name: 'Train', text: 'Pick a method (the defaults work), press Train and watch the loss fall and the accuracy rise.' },
  { n: 4, id: 'results', name: 'Use', text: 'See the gain over the untuned model, try the prompt, and download it for Hugging Face PEFT.' },
] as const;

/**
 * A step link scrolls to its step and moves focus there (so Tab goes on from the step) without navigating: the URL
 * hash carries the setup (startup.ts keeps it in step), and `#step-data` in its place would make the address bar a
 * link to nothing.
 */
function goToStep(event: MouseEvent<HTMLAnchorElement>, id: string): void {
  const target = document.getElementById(`step-${id}`);
  if (!target) return;
  event.preventDefault();
  target.scrollIntoView({ block: 'start' });
  target.focus({ preventScroll: true });
}

function StepIntro({ n }: { n: 1 | 2 | 3 | 4 }) {
  const step = STEPS[n - 1];
  return (
    <p className="step-intro" id={`step-${step.id}`} data-testid={`step.${step.id}`} tabIndex={-1}>
      <span className="step-n">{step.n}</span>
      <strong>{step.name}</strong> {step.text}
    </p>
  );
}

export function App() {
  const workerError = useStudio((s) => s.workerError);
  const saveProblem = useStudio((s) => s.saveProblem);
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
      {saveProblem && (
        <div className="banner-error" role="alert" data-testid="app.save-problem">
          {saveProblem}
        </div>
      )}
      <SharedBanner />
      <main>
        <div className="title-row">
          <h1>Soft Prompt Studio</h1>
          <p>Train a soft prompt, a prefix or a P-tuning encoder for a frozen language model, on your GPU.</p>
          <ShareLink />
        </div>
        <nav aria-label="steps" className="steps-nav">
          <ol>
            {STEPS.map((s) => (
              <li key={s.id}>
                <a href={`#step-${s.id}`} onClick={(e) => goToStep(e, s.id)}>
                  {s.n} {s.name}
                </a>
              </li>
            ))}
          </ol>
        </nav>
        <StepIntro n={1} />
        <ModelPanel />
        <div className="flow">
          <div className="flow-step">
            <StepIntro n={2} />
            <DataPanel />
          </div>
          <div className="flow-step flow-train">
            <StepIntro n={3} />
            <div className="flow-train-panels">
              <MethodPanel />
              <TrainPanel />
            </div>
          </div>
        </div>
        <StepIntro n={4} />
        <div className="outcome">
          <ResultsPanel />
          <ExportPanel />
        </div>
        <h2 className="more-tools">More tools</h2>
        <p className="hint">Compare readable prompts with the soft prompt, and meta-learn a better starting point from other tasks.</p>
        <PromptsPanel />
        <MetaPanel />
      </main>
    </div>
  );
}
