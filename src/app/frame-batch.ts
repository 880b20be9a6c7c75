// Collects high-rate worker events and hands them to the store once per animation frame, so a burst of step
// metrics costs one React render, not one per step (STYLE.md habit 9). Hidden tabs get no frames: fall back to
// a timer there so the curves keep filling in.
export function frameBatcher<T>(flush: (items: T[]) => void): (item: T) => void {
  let pending: T[] = [];
  let scheduled = false;
  const run = () => {
    scheduled = false;
    const items = pending;
    pending = [];
    if (items.length > 0) flush(items);
  };
  return (item: T) => {
    pending.push(item);
    if (scheduled) return;
    scheduled = true;
    if (typeof requestAnimationFrame === 'function' && !document.hidden) requestAnimationFrame(run);
    else setTimeout(run, 100);
  };
}
