// Runs a model's calls one after another. A GPU model's calls share its activation buffers and its mapped
// read-back buffers: a submit that copies into a buffer another call is still mapping is invalid and would be
// dropped, leaving that call with stale numbers. And a KV decoder holds one sequence, so two generations must
// not interleave. The studio can issue such calls together (the playground during an evaluation).
export class CallQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const next = this.tail.then(job, job);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
