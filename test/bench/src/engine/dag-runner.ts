/** A baseline system running one DAG over and over (the floor, BullMQ). */
export interface DagRunner {
  /** Starts a run and resolves when its last task is done; rejects when it takes too long. */
  run(): Promise<void>;
  /** Stops everything it started and removes what it stored. */
  stop(): Promise<void>;
}
