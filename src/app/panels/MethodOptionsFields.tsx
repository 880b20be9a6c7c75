// The options of the chosen tuning method, rendered from its card's field list (src/tuning/methods/cards):
// a new method brings its own fields, with PEFT's names as the tooltips.
import type { MethodOptions } from '../../worker/protocol.ts';
import { cardFor, type OptionField } from '../../tuning/methods/cards/index.ts';
import { NumberField } from '../components/NumberField.tsx';
import { useStudio } from '../store.ts';

type Values = Record<string, unknown>;

function Field({ field, options, onChange }: { field: OptionField<Values>; options: Values; onChange(o: Values): void }) {
  const value = options[field.key];
  const set = (v: unknown) => onChange({ ...options, [field.key]: v });
  switch (field.kind) {
    case 'integer':
      return <NumberField label={field.label} testId={field.testId} title={`PEFT ${field.peft}`} value={Number(value)} integer min={field.min} step={1} onChange={set} />;
    case 'choice':
      return (
        <label className="field" title={`PEFT ${field.peft}`}>
          <span>{field.label}</span>
          <select data-testid={field.testId} value={String(value)} onChange={(e) => set(e.target.value)}>
            {field.choices.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
      );
    case 'flag':
      return (
        <label className="field check" title={`PEFT ${field.peft}`}>
          <input type="checkbox" data-testid={field.testId} checked={value === true} onChange={(e) => set(e.target.checked)} />
          <span>{field.label}</span>
        </label>
      );
    case 'text':
      return (
        <label className="field wide" title={`PEFT ${field.peft}`}>
          <span>{field.label}</span>
          <input data-testid={field.testId} value={String(value)} onChange={(e) => set(e.target.value)} />
        </label>
      );
  }
}

export function MethodOptionsFields({ options, onChange }: { options: MethodOptions; onChange(o: MethodOptions): void }) {
  // The loaded model and engine decide the most virtual tokens (ModelInfo.maxVirtualTokens); 512 before a model.
  const maxTokens = useStudio((s) => s.model.info?.maxVirtualTokens ?? 512);
  // Fields and options share the card's option type; read loosely here, written back as the same options.
  const fields = cardFor(options.method).fields as readonly OptionField<Values>[];
  const values = options as unknown as Values;
  const change = (o: Values) => onChange(o as unknown as MethodOptions);
  return (
    <div className="row">
      <NumberField
        label="virtual tokens"
        testId="method.tokens"
        title="PEFT num_virtual_tokens"
        value={options.virtualTokens}
        integer
        min={1}
        max={maxTokens}
        step={1}
        warn={(v) => (v > 100 ? 'more than Lester et al.’s 100; gains level off past ~20 and each step gets slower' : null)}
        onChange={(virtualTokens) => onChange({ ...options, virtualTokens })}
      />
      {fields
        .filter((f) => !f.showIf || f.showIf(values))
        .map((f) => (
          <Field key={f.key} field={f} options={values} onChange={change} />
        ))}
    </div>
  );
}
