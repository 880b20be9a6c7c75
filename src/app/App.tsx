import { StatusBar } from './panels/StatusBar.tsx';

export function App() {
  return (
    <div className="studio">
      <StatusBar />
      <main>
        <h1>Soft Prompt Studio</h1>
        <p>Train a soft prompt, a prefix or a P-tuning encoder for a frozen language model, on your GPU.</p>
      </main>
    </div>
  );
}
