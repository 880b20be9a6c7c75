// Data: the examples table, ways to fill it, the template with its live preview, the validation split, and
// what the worker found (errors with line numbers, counts, labels).
import { useMemo } from 'react';
import { ErrorLine } from '../components/ErrorLine.tsx';
import { NumberField } from '../components/NumberField.tsx';
import { Panel } from '../components/Panel.tsx';
import { updateProject, useStudio } from '../store.ts';
import { hasSplitColumn, tableLines } from '../table-csv.ts';
import { DataImport } from './DataImport.tsx';
import { DataCounts, DataErrors, DataWarnings } from './DataSummaryView.tsx';
import { mergeLabels } from '../actions/data.ts';
import { DataTable } from './DataTable.tsx';
import { TemplateEditor } from './TemplateEditor.tsx';

export function DataPanel() {
  const data = useStudio((s) => s.data);
  const rows = useStudio((s) => s.project.rows);
  const fraction = useStudio((s) => s.project.validationFraction);
  const seed = useStudio((s) => s.project.dataSeed);
  const hasSplit = hasSplitColumn(rows);
  const { summary, summarySource } = data;
  // The CSV line each table row went out on, mapped once per table (errors name lines; a large table may have many).
  const lines = useMemo(() => tableLines(rows), [rows]);
  const rowOfLine = (line: number) => lines.get(line) ?? null;
  // Rows the worker flagged, when its summary is about the table.
  const flagged = useMemo(() => {
    const m = new Map<number, string>();
    if (summary && summarySource === 'table') {
      for (const e of summary.errors) {
        const r = lines.get(e.line);
        if (r !== undefined) m.set(r, e.message);
      }
    }
    return m;
  }, [summary, summarySource, lines]);
  return (
    <Panel title="Data" id="data">
      <DataImport />
      <ErrorLine error={data.error} testId="data.error" />
      {summary && <DataErrors summary={summary} source={summarySource} rowOfLine={rowOfLine} />}
      {summary && <DataWarnings summary={summary} onMerge={summarySource === 'table' ? mergeLabels : null} />}
      <DataTable flagged={flagged} />
      <TemplateEditor
        preview={summary && (summary.preview.text !== '' || summary.preview.target !== '') ? summary.preview : null}
        rows={summary?.rows ?? null}
        validating={data.validating}
      />
      <div className="row">
        <NumberField
          label="validation fraction"
          testId="data.split"
          value={fraction}
          min={0}
          max={0.9}
          step={0.05}
          title="Share of rows held out for validation when the data has no split column"
          warn={(v) => (v === 0 && !hasSplit ? 'no validation rows: the run trains but nothing measures it (no accuracy, no comparison)' : null)}
          onChange={(v) => updateProject({ validationFraction: v })}
        />
        <NumberField label="split seed" testId="data.seed" value={seed} integer min={0} step={1} onChange={(v) => updateProject({ dataSeed: v })} />
      </div>
      {hasSplit && (
        <p className="hint" data-testid="data.split-column">
          The table’s split column decides which rows validate (rows left blank train); the fraction and seed are not used.
        </p>
      )}
      {summary && <DataCounts summary={summary} />}
    </Panel>
  );
}
