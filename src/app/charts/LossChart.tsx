// The live training chart: training loss and validation loss on the left axis, validation accuracy on the
// right, plus the training loss of any runs picked for overlay. Animation is off: points arrive every frame.
import { memo, useDeferredValue } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { RunRecord } from '../project.ts';

const OVERLAY_COLOURS = ['#8e6c8a', '#6c8e7a', '#b08a3e', '#5f7fb0', '#a05a5a', '#6a6a6a'];

interface ChartProps {
  current: RunRecord | null;
  overlays: RunRecord[];
  /** The untuned model's validation accuracy (exact match for free text), once measured: a dashed line. */
  baseline: number | null;
}

// The chart draws deferred values: React renders it at low priority in interruptible slices, so a redraw of a few
// hundred points never blocks the page for a long task while metrics stream in (measured by the e2e long-task
// observer: one synchronous redraw took 50–140 ms on the CI machine).
export function LossChart({ current, overlays, baseline }: ChartProps) {
  const deferredCurrent = useDeferredValue(current);
  const deferredOverlays = useDeferredValue(overlays);
  return <ChartBody current={deferredCurrent} overlays={deferredOverlays} baseline={baseline} />;
}

const ChartBody = memo(function ChartBody({ current, overlays, baseline }: ChartProps) {
  const steps = current?.steps ?? [];
  const evals = current?.evals ?? [];
  const points = steps.length + evals.length;
  const maxStep = Math.max(current?.config.steps ?? 1, ...overlays.map((r) => r.config.steps));
  return (
    <div className="chart" data-testid="train.chart" data-points={points} data-baseline={baseline ?? ''} role="figure" aria-label="training curves">
      {/* The chart stays mounted even while empty: mounting it when the first points arrive was itself a long task. */}
      {points === 0 && overlays.length === 0 && <p className="chart-empty">The loss curve appears here as soon as training starts.</p>}
      {
        <ResponsiveContainer width="100%" height={300}>
          <LineChart margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--line)" />
            <XAxis type="number" dataKey="step" domain={[0, maxStep]} allowDataOverflow tick={{ fill: 'var(--muted)' }} label={{ value: 'step', position: 'insideBottomRight', offset: -4, fill: 'var(--muted)' }} />
            <YAxis yAxisId="loss" domain={[0, 'auto']} tick={{ fill: 'var(--muted)' }} label={{ value: 'loss', angle: -90, position: 'insideLeft', fill: 'var(--muted)' }} />
            <YAxis yAxisId="acc" orientation="right" domain={[0, 1]} tick={{ fill: 'var(--muted)' }} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} />
            <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(4) : String(v))} labelFormatter={(s) => `step ${String(s)}`} />
            <Legend />
            {overlays.map((r, i) => (
              <Line
                key={r.id}
                data={r.steps}
                dataKey="loss"
                name={`${r.name} (loss)`}
                yAxisId="loss"
                stroke={OVERLAY_COLOURS[i % OVERLAY_COLOURS.length]}
                strokeDasharray="4 3"
                dot={false}
                isAnimationActive={false}
              />
            ))}
            <Line data={steps} dataKey="loss" name="training loss" yAxisId="loss" stroke="#2a6fdb" dot={false} isAnimationActive={false} />
            <Line data={evals} dataKey="validationLoss" name="validation loss" yAxisId="loss" stroke="#d9822b" isAnimationActive={false} />
            <Line data={evals} dataKey="accuracy" name="validation accuracy" yAxisId="acc" stroke="#2f9e5b" isAnimationActive={false} />
            {baseline !== null && (
              <ReferenceLine
                yAxisId="acc"
                y={baseline}
                stroke="var(--muted)"
                strokeDasharray="6 4"
                ifOverflow="extendDomain"
                label={{ value: `untuned ${Math.round(baseline * 100)}%`, position: 'insideTopLeft', fill: 'var(--muted)', fontSize: 12 }}
              />
            )}
          </LineChart>
        </ResponsiveContainer>
      }
    </div>
  );
});
