// The options of the chosen tuning method (PEFT's names in the titles).
import type { MethodOptions } from '../../worker/protocol.ts';
import { NumberField } from '../components/NumberField.tsx';
import { useStudio } from '../store.ts';

export function MethodOptionsFields({ options, onChange }: { options: MethodOptions; onChange(o: MethodOptions): void }) {
  // The loaded model and engine decide the most virtual tokens (ModelInfo.maxVirtualTokens); 512 before a model.
  const maxTokens = useStudio((s) => s.model.info?.maxVirtualTokens ?? 512);
  const tokens = (
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
  );
  switch (options.method) {
    case 'prompt':
      return (
        <div className="row">
          {tokens}
          <label className="field" title="PEFT prompt_tuning_init">
            <span>init</span>
            <select data-testid="method.init" value={options.init} onChange={(e) => onChange({ ...options, init: e.target.value as typeof options.init })}>
              <option value="vocab">sampled vocabulary</option>
              <option value="text">from text</option>
              <option value="random">random</option>
            </select>
          </label>
          {options.init === 'text' && (
            <label className="field wide" title="PEFT prompt_tuning_init_text">
              <span>init text</span>
              <input data-testid="method.init-text" value={options.initText} onChange={(e) => onChange({ ...options, initText: e.target.value })} />
            </label>
          )}
        </div>
      );
    case 'prefix':
      return (
        <div className="row">
          {tokens}
          <label className="field check" title="PEFT prefix_projection">
            <input type="checkbox" data-testid="method.projection" checked={options.projection} onChange={(e) => onChange({ ...options, projection: e.target.checked })} />
            <span>reparameterise with an MLP</span>
          </label>
          {options.projection && (
            <NumberField
              label="MLP hidden"
              testId="method.encoder-hidden"
              title="PEFT encoder_hidden_size"
              value={options.encoderHidden}
              integer
              min={1}
              step={1}
              onChange={(encoderHidden) => onChange({ ...options, encoderHidden })}
            />
          )}
        </div>
      );
    case 'ptuning':
      return (
        <div className="row">
          {tokens}
          <label className="field" title="PEFT encoder_reparameterization_type">
            <span>encoder</span>
            <select data-testid="method.encoder" value={options.encoder} onChange={(e) => onChange({ ...options, encoder: e.target.value as typeof options.encoder })}>
              <option value="MLP">MLP</option>
              <option value="LSTM">bidirectional LSTM + MLP</option>
            </select>
          </label>
          <NumberField
            label="encoder hidden"
            testId="method.encoder-hidden"
            title="PEFT encoder_hidden_size"
            value={options.encoderHidden}
            integer
            min={1}
            step={1}
            onChange={(encoderHidden) => onChange({ ...options, encoderHidden })}
          />
        </div>
      );
  }
}
