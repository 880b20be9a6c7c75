// The editable examples: one row per example, input and expected output. The table is the source of truth
// for the dataset (sent to the worker as CSV); rows the worker flagged are highlighted. Only the rows in view (and a
// few around them) are in the page, through TanStack Virtual: a 50,000-row table is as quick to show and to edit as
// a short one. "Go to row" jumps to a row an error names.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useRef, useState } from 'react';
import type { DataRow } from '../project.ts';
import { updateProject, useStudio } from '../store.ts';
import { hasSplitColumn } from '../table-csv.ts';

function setRows(fn: (rows: DataRow[]) => DataRow[]): void {
  updateProject((p) => ({ rows: fn(p.rows), datasetId: null }));
}

type Flagged = Map<number, string>;

// Each validation brings a new (usually identical) map of flagged rows; re-rendering the rows for nothing cost a
// 100+ ms main-thread task when a run starts (e2e long-task observer).
const sameFlags = (a: { flagged: Flagged }, b: { flagged: Flagged }) =>
  a.flagged.size === b.flagged.size && [...a.flagged].every(([row, why]) => b.flagged.get(row) === why);

/** A row's height before it is measured (one line of text; a taller textarea is measured when drawn). */
const ROW_HEIGHT = 36;

export const DataTable = memo(function DataTable({ flagged }: { flagged: Flagged }) {
  const rows = useStudio((s) => s.project.rows);
  const addRow = useRef<HTMLButtonElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const [goTo, setGoTo] = useState('');
  const [goToProblem, setGoToProblem] = useState<string | null>(null);
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 8 });
  // The file's split column, kept and editable: it decides train / validation (the fraction is then unused).
  const withSplit = hasSplitColumn(rows);
  const columns = withSplit ? 5 : 4;
  const edit = (i: number, key: keyof DataRow, value: string) =>
    setRows((rs) => rs.map((r, j) => (j === i ? { ...r, [key]: value } : r)));
  const items = virtual.getVirtualItems();
  const padTop = items.length > 0 ? items[0].start : 0;
  const padBottom = items.length > 0 ? virtual.getTotalSize() - items[items.length - 1].end : 0;
  const jump = () => {
    const n = Number(goTo);
    if (!Number.isInteger(n) || n < 1 || n > rows.length) {
      setGoToProblem(`enter a row from 1 to ${rows.length.toLocaleString()}`);
      return;
    }
    setGoToProblem(null);
    virtual.scrollToIndex(n - 1, { align: 'start' });
  };
  return (
    <div className="data-table-block">
      {/* Keyboard users would tab through three controls per row to reach the template and Train: a skip link,
          shown when focused, jumps past them. */}
      <button type="button" className="skip-link" data-testid="data.skip-table" onClick={() => addRow.current?.focus()}>
        Skip the table’s {rows.length} rows
      </button>
      <div className="table-wrap" ref={scroller} data-testid="data.table-scroll">
        <table className="data-table" data-testid="data.table" data-rows={rows.length} aria-rowcount={rows.length + 1}>
          <thead>
            <tr aria-rowindex={1}>
              <th className="num">#</th>
              <th>input</th>
              <th>output</th>
              {withSplit && <th>split</th>}
              <th aria-label="actions" />
            </tr>
          </thead>
          <tbody>
            {padTop > 0 && (
              <tr aria-hidden="true" style={{ height: padTop }}>
                <td colSpan={columns} />
              </tr>
            )}
            {items.map(({ index: i, key }) => {
              const row = rows[i];
              return (
                <tr
                  key={key}
                  ref={virtual.measureElement}
                  data-index={i}
                  aria-rowindex={i + 2}
                  data-testid={`data.row-${i}`}
                  className={flagged.has(i) ? 'flagged' : undefined}
                  title={flagged.get(i)}
                >
                  <td className="num">{i + 1}</td>
                  <td>
                    <textarea
                      rows={1}
                      aria-label={`input of row ${i + 1}`}
                      data-testid={`data.cell-${i}-input`}
                      value={row.input}
                      onChange={(e) => edit(i, 'input', e.target.value)}
                    />
                  </td>
                  <td>
                    <input
                      aria-label={`output of row ${i + 1}`}
                      data-testid={`data.cell-${i}-output`}
                      value={row.output}
                      onChange={(e) => edit(i, 'output', e.target.value)}
                    />
                  </td>
                  {withSplit && (
                    <td>
                      <select aria-label={`split of row ${i + 1}`} data-testid={`data.cell-${i}-split`} value={row.split ?? ''} onChange={(e) => edit(i, 'split', e.target.value)}>
                        <option value="">(seeded)</option>
                        <option value="train">train</option>
                        <option value="validation">validation</option>
                        {row.split && !['train', 'validation'].includes(row.split) && <option value={row.split}>{row.split}</option>}
                      </select>
                    </td>
                  )}
                  <td>
                    <button
                      type="button"
                      className="icon"
                      aria-label={`delete row ${i + 1}`}
                      data-testid={`data.delete-row-${i}`}
                      onClick={() => setRows((rs) => (rs.length > 1 ? rs.filter((_, j) => j !== i) : [{ input: '', output: '' }]))}
                    >
                      ✕
                    </button>
                  </td>
                </tr>
              );
            })}
            {padBottom > 0 && (
              <tr aria-hidden="true" style={{ height: padBottom }}>
                <td colSpan={columns} />
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <div className="row table-actions">
        <button
          type="button"
          ref={addRow}
          data-testid="data.add-row"
          onClick={() => {
            setRows((rs) => [...rs, withSplit ? { input: '', output: '', split: '' } : { input: '', output: '' }]);
            requestAnimationFrame(() => virtual.scrollToIndex(rows.length, { align: 'end' }));
          }}
        >
          + Add row
        </button>
        <form
          className="go-to-row"
          onSubmit={(e) => {
            e.preventDefault();
            jump();
          }}
        >
          <label>
            Go to row{' '}
            <input type="text" inputMode="numeric" size={7} data-testid="data.go-to-row" value={goTo} aria-invalid={goToProblem !== null} onChange={(e) => setGoTo(e.target.value)} />
          </label>{' '}
          <button type="submit" data-testid="data.go-to-row-go">
            Go
          </button>
          {goToProblem && (
            <small className="field-problem" role="alert" data-testid="data.go-to-row.problem">
              {goToProblem}
            </small>
          )}
        </form>
      </div>
    </div>
  );
}, sameFlags);
