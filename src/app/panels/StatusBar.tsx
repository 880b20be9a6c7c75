// Top bar: which GPU adapter the worker got, its features and key limits — or, without WebGPU, why not.
import { useStudio } from '../store.ts';

const MiB = 1024 * 1024;

export function StatusBar() {
  const device = useStudio((s) => s.device);
  if (device.kind === 'starting') {
    return (
      <header className="status" data-testid="status.device" data-state="starting">
        Starting WebGPU in the worker…
      </header>
    );
  }
  if (device.kind === 'unavailable') {
    return (
      <header className="status status-error" data-testid="status.device" data-state="unavailable" role="alert">
        <strong>WebGPU unavailable.</strong> {device.error.message}
      </header>
    );
  }
  const { adapter } = device;
  const feature = (on: boolean, name: string) => (
    <span className={on ? 'feature on' : 'feature off'} title={on ? `${name} available` : `${name} not available (f32 fallback)`}>
      {name}
    </span>
  );
  return (
    <header className="status" data-testid="status.device" data-state="ready">
      <span data-testid="status.adapter" className="adapter">
        {adapter.name}
      </span>
      {feature(adapter.features.shaderF16, 'shader-f16')}
      {feature(adapter.features.subgroups, 'subgroups')}
      {feature(adapter.features.timestampQuery, 'timestamp-query')}
      <span className="limit" title="maxStorageBufferBindingSize">
        max buffer {Math.round(adapter.limits.maxStorageBufferBindingSize / MiB)} MiB
      </span>
      <span className="limit" title="maxComputeWorkgroupStorageSize">
        shared {Math.round(adapter.limits.maxComputeWorkgroupStorageSize / 1024)} KiB
      </span>
    </header>
  );
}
