// The prompt template ({input} is replaced by each row's input) with a live preview of the first training
// example exactly as the model sees it: the prompt, then the target it learns to continue with. The worker
// tokenises it (rows as transformers builds them: the checkpoint's BOS, or the chat template's markers), so
// special tokens are shown as the tokens they are and counted. The chat-template choice sits beside it.
import type { DatasetSummary, TokenPiece } from '../../worker/protocol.ts';
import { updateProject, useStudio } from '../store.ts';

function Pieces({ pieces, className }: { pieces: TokenPiece[]; className: string }) {
  return (
    <span className={className}>
      {pieces.map((p, i) =>
        p.special ? (
          <span key={i} className="special-token" data-testid="data.preview-special" title="a special token">
            {p.text}
          </span>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </span>
  );
}

const CHAT_CHOICES = { auto: 'auto', on: 'on', off: 'off' } as const;

export function TemplateEditor({ preview, rows, validating }: { preview: DatasetSummary['preview'] | null; rows: DatasetSummary['rows']; validating: boolean }) {
  const template = useStudio((s) => s.project.template);
  const chat = useStudio((s) => s.project.chatTemplate);
  const missing = !template.includes('{input}');
  const chatValue = chat === 'auto' ? CHAT_CHOICES.auto : chat ? CHAT_CHOICES.on : CHAT_CHOICES.off;
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
      <label className="field" title="Instruct checkpoints: the filled-in template becomes the user's turn in the tokenizer's chat template, the answer the assistant's reply">
        <span>Chat template</span>
        <select
          data-testid="data.chat-template"
          value={chatValue}
          onChange={(e) => updateProject({ chatTemplate: e.target.value === 'auto' ? 'auto' : e.target.value === 'on' })}
        >
          <option value="auto">automatic (on for instruct models{rows ? `: ${rows.chatTemplate ? 'on' : 'off'}` : ''})</option>
          <option value="on" disabled={rows !== null && !rows.chatAvailable && chat !== true}>
            on{rows && !rows.chatAvailable ? ' (this tokenizer has none)' : ''}
          </option>
          <option value="off">off</option>
        </select>
      </label>
      <div className="preview" data-testid="data.preview" aria-busy={validating}>
        <span className="preview-label">
          What the model sees{validating ? ' (updating…)' : ''}:
        </span>
        {preview ? (
          <>
            <pre>
              <Pieces pieces={preview.prompt} className="prompt-part" />
              <mark className="target-part">
                <Pieces pieces={preview.answer} className="" />
              </mark>
            </pre>
            <span className="hint" data-testid="data.preview-tokens" data-tokens={preview.tokens}>
              {preview.tokens} tokens, special tokens included (virtual tokens not counted)
              {rows ? ` · ${rows.chatTemplate ? 'chat template' : rows.bos ? 'BOS added as the tokenizer adds it' : 'no special tokens added'}` : ''}
            </span>
          </>
        ) : (
          <pre className="hint">—</pre>
        )}
      </div>
    </div>
  );
}
