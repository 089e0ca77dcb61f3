/** Runs `total` jobs, never more than `inFlight` at once; resolves with the wall time (ms). */
export async function runAll(
  total: number,
  inFlight: number,
  job: (index: number) => Promise<unknown>,
): Promise<number> {
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < total) await job(next++);
  };
  await Promise.all(Array.from({ length: Math.min(total, inFlight) }, lane));
  return performance.now() - started;
}
