// The prompt template ({input} is replaced by each row's input) with a live preview of the first training
// example exactly as the model sees it: the prompt, then the target it learns to continue with.
import type { DatasetSummary } from '../../worker/protocol.ts';
import { updateProject, useStudio } from '../store.ts';

export function TemplateEditor({ preview, validating }: { preview: DatasetSummary['preview'] | null; validating: boolean }) {
  const template = useStudio((s) => s.project.template);
  const missing = !template.includes('{input}');
  return (
    <div className="template">
      <label className="field">
        <span>Template</span>
        <textarea
          rows={2}
          data-testid="data.template"
          value={template}
          aria-invalid={missing}
          onChange={(e) => updateProject({ template: e.target.value })}
        />
      </label>
      {missing && <p className="warn">The template has no {'{input}'}: every example would look the same.</p>}
      <div className="preview" data-testid="data.preview" aria-busy={validating}>
        <span className="preview-label">
          What the model sees{validating ? ' (updating…)' : ''}:
        </span>
        {preview ? (
          <>
            <pre>
              <span className="prompt-part">{preview.text}</span>
              <mark className="target-part">{preview.target}</mark>
            </pre>
            <span className="hint" data-testid="data.preview-tokens" data-tokens={preview.tokens}>
              {preview.tokens} tokens (virtual tokens not counted)
            </span>
          </>
        ) : (
          <pre className="hint">—</pre>
        )}
      </div>
    </div>
  );
}
