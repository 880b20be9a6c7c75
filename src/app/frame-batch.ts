// Collects high-rate worker events and hands them to the store once per animation frame, so a burst of step
// metrics costs one React render, not one per step (STYLE.md habit 9). Hidden tabs get no frames: fall back to
// a timer there so the curves keep filling in.
// At most one flush per MIN_INTERVAL_MS: a chart redraw per frame kept the main thread busy past 50 ms per
// task on a loaded 2-core machine (measured by the e2e long-task observer); four redraws a second look as live.
const MIN_INTERVAL_MS = 250;

export function frameBatcher<T>(flush: (items: T[]) => void): (item: T) => void {
  let pending: T[] = [];
  let scheduled = false;
  let last = 0;
  const run = () => {
    scheduled = false;
    last = performance.now();
    const items = pending;
    pending = [];
    if (items.length > 0) flush(items);
  };
  return (item: T) => {
    pending.push(item);
    if (scheduled) return;
    scheduled = true;
    const wait = Math.max(0, MIN_INTERVAL_MS - (performance.now() - last));
    if (typeof requestAnimationFrame === 'function' && !document.hidden) setTimeout(() => requestAnimationFrame(run), wait);
    else setTimeout(run, Math.max(wait, 100));
  };
}
