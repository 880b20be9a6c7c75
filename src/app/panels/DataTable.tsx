// The editable examples: one row per example, input and expected output. The table is the source of truth
// for the dataset (sent to the worker as CSV); rows the worker flagged are highlighted.
import { memo } from 'react';
import type { DataRow } from '../project.ts';
import { updateProject, useStudio } from '../store.ts';
import { hasSplitColumn } from '../table-csv.ts';

function setRows(fn: (rows: DataRow[]) => DataRow[]): void {
  updateProject((p) => ({ rows: fn(p.rows), datasetId: null }));
}

type Flagged = Map<number, string>;

// Each validation brings a new (usually identical) map of flagged rows; re-rendering hundreds of editable rows
// for nothing cost a 100+ ms main-thread task when a run starts (e2e long-task observer).
const sameFlags = (a: { flagged: Flagged }, b: { flagged: Flagged }) =>
  a.flagged.size === b.flagged.size && [...a.flagged].every(([row, why]) => b.flagged.get(row) === why);

export const DataTable = memo(function DataTable({ flagged }: { flagged: Flagged }) {
  const rows = useStudio((s) => s.project.rows);
  // The file's split column, kept and editable: it decides train / validation (the fraction is then unused).
  const withSplit = hasSplitColumn(rows);
  const edit = (i: number, key: keyof DataRow, value: string) =>
    setRows((rs) => rs.map((r, j) => (j === i ? { ...r, [key]: value } : r)));
  return (
    <div className="table-wrap">
      <table className="data-table" data-testid="data.table" data-rows={rows.length}>
        <thead>
          <tr>
            <th className="num">#</th>
            <th>input</th>
            <th>output</th>
            {withSplit && <th>split</th>}
            <th aria-label="actions" />
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i} data-testid={`data.row-${i}`} className={flagged.has(i) ? 'flagged' : undefined} title={flagged.get(i)}>
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
          ))}
        </tbody>
      </table>
      <button type="button" data-testid="data.add-row" onClick={() => setRows((rs) => [...rs, withSplit ? { input: '', output: '', split: '' } : { input: '', output: '' }])}>
        + Add row
      </button>
    </div>
  );
}, sameFlags);
