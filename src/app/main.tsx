import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { bootStudio, restoreStudio } from './startup.ts';
import './styles.css';

// Restore first (IndexedDB is quick) so the first render already shows the user's project.
void restoreStudio().then(() => {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
  void bootStudio();
});
