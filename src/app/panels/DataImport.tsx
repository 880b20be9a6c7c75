// Ways to fill the table: paste (CSV, or tab-separated from a spreadsheet), upload a file, or pick a sample.
// A rejected import stays in the paste area with its line errors, so nothing the user gave is lost.
import { importFile, importPasted, loadSample } from '../actions/data.ts';
import { updateProject, useStudio } from '../store.ts';

export function DataImport() {
  const pasteText = useStudio((s) => s.project.pasteText);
  const datasetId = useStudio((s) => s.project.datasetId);
  const choices = useStudio((s) => s.data.choices);
  const choicesMessage = useStudio((s) => s.data.choicesMessage);
  const importing = useStudio((s) => s.data.importing);
  return (
    <div className="data-import">
      <label className="field">
        <span>Sample dataset</span>
        <select
          data-testid="data.sample-select"
          value={datasetId ?? ''}
          disabled={choices === null || importing !== null}
          onChange={(e) => {
            const choice = choices?.find((c) => c.id === e.target.value);
            if (choice) void loadSample(choice);
          }}
        >
          <option value="">{choices === null ? 'loading the list…' : '— your own data —'}</option>
          {choices?.map((c) => (
            <option key={c.id} value={c.id}>
              {c.title} ({c.kind})
            </option>
          ))}
        </select>
      </label>
      {choicesMessage && (
        <p className="hint" data-testid="data.samples-message">
          {choicesMessage}
        </p>
      )}
      <label className="field">
        <span>Upload CSV, TSV or JSONL (columns input, output)</span>
        <input
          type="file"
          accept=".csv,.tsv,.jsonl,.ndjson,text/csv,text/tab-separated-values"
          data-testid="data.upload"
          disabled={importing !== null}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = ''; // picking the same file again should import again
            if (file) void importFile(file);
          }}
        />
      </label>
      <label className="field">
        <span>Or paste rows (first line: input,output)</span>
        <textarea
          className="paste"
          rows={4}
          data-testid="data.paste"
          placeholder={'input,output\n"A joy from start to finish",positive'}
          value={pasteText}
          onChange={(e) => updateProject({ pasteText: e.target.value })}
        />
      </label>
      <button
        type="button"
        data-testid="data.paste-apply"
        disabled={pasteText.trim() === '' || importing !== null}
        onClick={() => void importPasted(pasteText)}
      >
        Use pasted rows
      </button>
      {importing && (
        <p className="progress-line" data-testid="data.importing">
          Reading {importing}…
        </p>
      )}
    </div>
  );
}
