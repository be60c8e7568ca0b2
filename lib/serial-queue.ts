/**
 * Runs async tasks one at a time, in arrival order. A node serializes ingests and feature
 * rebuilds with it so two uploads can never both pass the duplicate check and then both write.
 * With `maxPending`, the queue is bounded: a task beyond it is refused with OVERLOADED at once
 * rather than waiting behind an unbounded line of work.
 */
import { FedcreditError } from './errors.js';

export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(private readonly maxPending = Number.POSITIVE_INFINITY) {}

  /** Tasks waiting or running (metrics: lib/party-ops.ts). */
  get depth(): number {
    return this.pending;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.pending >= this.maxPending) {
      return Promise.reject(new FedcreditError('OVERLOADED', `${this.pending} tasks are already waiting; retry when they are done`));
    }
    this.pending++;
    const result = this.tail.then(task, task).finally(() => this.pending--);
    // Keep the chain alive whatever the task's outcome; the caller sees the outcome through `result`.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
