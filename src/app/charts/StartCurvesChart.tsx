// Accuracy on the held-out task after k adaptation steps, one line per start (meta-learned, random, vocabulary,
// text): the chart that shows whether meta-learning the start paid off.
import { memo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

const COLOURS: Record<string, string> = { 'meta-learned': '#2f9e5b', 'meta-learned + learned step sizes': '#1f6e3f', random: '#a05a5a', vocab: '#2a6fdb', text: '#b08a3e', default: '#6a6a6a' };

export interface StartCurve {
  start: string;
  points: { steps: number; accuracy: number }[];
}

export const StartCurvesChart = memo(function StartCurvesChart({ curves }: { curves: StartCurve[] }) {
  const maxStep = Math.max(1, ...curves.flatMap((c) => c.points.map((p) => p.steps)));
  return (
    <div className="chart" data-testid="meta.chart" data-curves={curves.length} aria-label="accuracy after k steps per start">
      <ResponsiveContainer width="100%" height={240}>
        <LineChart margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#d9dde5" />
          <XAxis type="number" dataKey="steps" domain={[0, maxStep]} label={{ value: 'adaptation steps', position: 'insideBottomRight', offset: -4 }} />
          <YAxis domain={[0, 1]} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} />
          <Tooltip formatter={(v) => (typeof v === 'number' ? `${(v * 100).toFixed(1)}%` : String(v))} labelFormatter={(s) => `${String(s)} steps`} />
          <Legend />
          {curves.map((c) => (
            <Line key={c.start} data={c.points} dataKey="accuracy" name={c.start} stroke={COLOURS[c.start] ?? '#6a6a6a'} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
});
