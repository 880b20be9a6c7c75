// A titled card on the studio's grid.
import type { ReactNode } from 'react';

export function Panel({ title, id, children, aside }: { title: string; id: string; children: ReactNode; aside?: ReactNode }) {
  return (
    <section className={`panel panel-${id}`} aria-labelledby={`panel-${id}-title`} data-testid={`panel.${id}`}>
      <header className="panel-head">
        <h2 id={`panel-${id}-title`}>{title}</h2>
        {aside}
      </header>
      {children}
    </section>
  );
}
