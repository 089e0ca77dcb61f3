/**
 * The `needs` graph of a template: unknown needs, cycles (each named), a topological order, and the
 * dependants of each task, precomputed so the planner only touches the tasks an event affects.
 */

export interface GraphProblem {
  readonly task: string;
  readonly kind: 'needs-unknown' | 'cycle';
  readonly reason: string;
}

export interface TaskGraph {
  /** Task ids in an order where every task comes after its needs (template order among equals). */
  readonly order: readonly string[];
  readonly dependants: ReadonlyMap<string, readonly string[]>;
  readonly problems: readonly GraphProblem[];
}

/** `needs` by task id, in template order. */
export function analyseGraph(needs: ReadonlyMap<string, readonly string[]>): TaskGraph {
  const problems: GraphProblem[] = [];
  const dependants = new Map<string, string[]>([...needs.keys()].map((id) => [id, []]));
  for (const [id, list] of needs) {
    for (const need of list) {
      const deps = dependants.get(need);
      if (deps) {
        if (!deps.includes(id)) deps.push(id);
      } else {
        problems.push({ task: id, kind: 'needs-unknown', reason: `needs unknown task "${need}"` });
      }
    }
  }
  problems.push(...findCycles(needs));
  return { order: topologicalOrder(needs, dependants), dependants, problems };
}

// Iterative DFS (templates may hold thousands of tasks); every back edge names one cycle.
function findCycles(needs: ReadonlyMap<string, readonly string[]>): GraphProblem[] {
  const problems: GraphProblem[] = [];
  const seenCycles = new Set<string>();
  const state = new Map<string, 'active' | 'done'>();
  for (const root of needs.keys()) {
    if (state.has(root)) continue;
    const stack: Array<{ id: string; next: number }> = [{ id: root, next: 0 }];
    state.set(root, 'active');
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const list = needs.get(frame.id) ?? [];
      if (frame.next >= list.length) {
        state.set(frame.id, 'done');
        stack.pop();
        continue;
      }
      const need = list[frame.next++]!;
      if (!needs.has(need)) continue;
      const seen = state.get(need);
      if (seen === undefined) {
        state.set(need, 'active');
        stack.push({ id: need, next: 0 });
      } else if (seen === 'active') {
        const from = stack.findIndex((f) => f.id === need);
        const cycle = stack.slice(from).map((f) => f.id);
        const id = [...cycle].sort().join(',');
        if (!seenCycles.has(id)) {
          seenCycles.add(id);
          // Written in the direction of `needs`: "a needs b needs c needs a".
          problems.push({
            task: need,
            kind: 'cycle',
            reason: `needs form a cycle: ${[...cycle, need].join(' -> ')}`,
          });
        }
      }
    }
  }
  return problems;
}

function topologicalOrder(
  needs: ReadonlyMap<string, readonly string[]>,
  dependants: ReadonlyMap<string, readonly string[]>,
): string[] {
  const waiting = new Map<string, number>();
  for (const [id, list] of needs) waiting.set(id, new Set(list.filter((n) => needs.has(n))).size);
  const order = [...needs.keys()].filter((id) => waiting.get(id) === 0);
  for (let i = 0; i < order.length; i++) {
    for (const dep of dependants.get(order[i]!) ?? []) {
      const left = waiting.get(dep)! - 1;
      waiting.set(dep, left);
      if (left === 0) order.push(dep);
    }
  }
  return order; // shorter than the task count when there is a cycle
}

/** True when `ancestor` is reachable from `id` through `needs`. */
export function dependsOn(
  needs: ReadonlyMap<string, readonly string[]>,
  id: string,
  ancestor: string,
): boolean {
  const direct = needs.get(id) ?? [];
  if (direct.includes(ancestor)) return true;
  const seen = new Set<string>();
  const todo = [...direct];
  while (todo.length > 0) {
    const next = todo.pop()!;
    if (next === ancestor) return true;
    if (seen.has(next)) continue;
    seen.add(next);
    todo.push(...(needs.get(next) ?? []));
  }
  return false;
}
