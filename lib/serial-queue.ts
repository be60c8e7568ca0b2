/**
 * Runs async tasks one at a time, in arrival order. A node serializes ingests and feature
 * rebuilds with it so two uploads can never both pass the duplicate check and then both write.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    // Keep the chain alive whatever the task's outcome; the caller sees the outcome through `result`.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
