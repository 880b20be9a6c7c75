// Method & hyper-parameters: prompt tuning, prefix tuning or P-tuning, each with its options and a short note
// on where its defaults come from; picking a method also sets the learning rate that suits it.
import { Panel } from '../components/Panel.tsx';
import { METHOD_CARDS, METHOD_NAMES, type MethodName } from '../defaults.ts';
import type { MethodOptionsByName } from '../project.ts';
import { updateProject, useStudio } from '../store.ts';
import { HyperParams } from './HyperParams.tsx';
import { MethodOptionsFields } from './MethodOptionsFields.tsx';

function chooseMethod(method: MethodName): void {
  updateProject((p) => ({ method, hyper: { ...p.hyper, learningRate: METHOD_CARDS[method].learningRate } }));
}

export function MethodPanel() {
  const method = useStudio((s) => s.project.method);
  const options = useStudio((s) => s.project.methodOptions[s.project.method]);
  const busy = useStudio((s) => s.train.phase === 'training' || s.train.phase === 'paused');
  const startFrom = useStudio((s) => s.project.meta.startFrom);
  return (
    <Panel title="Method & hyper-parameters" id="method">
      <fieldset disabled={busy} className="plain">
        <div className="segmented" role="radiogroup" aria-label="tuning method" data-testid="method.select" data-method={method}>
          {METHOD_NAMES.map((m) => (
            <label key={m} className={m === method ? 'active' : undefined}>
              <input type="radio" name="method" value={m} checked={m === method} data-testid={`method.${m}`} onChange={() => chooseMethod(m)} />
              {METHOD_CARDS[m].title}
            </label>
          ))}
        </div>
        <p className="hint" data-testid="method.note">
          {METHOD_CARDS[method].note}
        </p>
        <MethodOptionsFields
          options={options}
          onChange={(o) => updateProject((p) => ({ methodOptions: { ...p.methodOptions, [o.method]: o } as MethodOptionsByName }))}
        />
        {startFrom && (
          <p className="hint" data-testid="method.start-from">
            init: meta-learned “{startFrom}” (choose another start on the Meta-learned start panel)
          </p>
        )}
        <h3>Training</h3>
        <HyperParams />
      </fieldset>
    </Panel>
  );
}
