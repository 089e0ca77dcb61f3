/**
 * Property tests: random DAGs (edges only to earlier tasks, random onFailure / when / forEach /
 * throwing inputs) driven by random interleavings of reports, duplicates, reconciles and cancels.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LoadedTemplate, type PlannerCommand, plan, type RunState } from '../src/index.js';
import {
  dropEndedOutputs,
  headOf,
  joinSegments,
  nothingSealed,
  type SegmentTasks,
  sealSegments,
  unsealedEnded,
} from '../src/run-segments.js';
import { parseTaskKey } from '../src/run-state.js';
import { runStateEncoder } from '../src/run-state-encoder.js';
import { at, drive, template, transitions } from './run-driver.js';

interface GenTask {
  needs: number[];
  onFailure: 'fail' | 'continue';
  when: boolean | undefined;
  forEach: { n: number; concurrency: number } | undefined;
  throws: boolean;
  /** A workflow.run task: ends through child-finished instead of a report. */
  child: boolean;
}

const taskArb = (i: number): fc.Arbitrary<GenTask> =>
  fc.record({
    needs: i === 0 ? fc.constant([]) : fc.uniqueArray(fc.integer({ min: 0, max: i - 1 }), { maxLength: 3 }),
    onFailure: fc.constantFrom('fail' as const, 'continue' as const),
    when: fc.option(fc.boolean(), { nil: undefined }),
    forEach: fc.option(
      fc.record({ n: fc.integer({ min: 0, max: 4 }), concurrency: fc.integer({ min: 1, max: 3 }) }),
      {
        nil: undefined,
        freq: 3,
      },
    ),
    throws: fc.integer({ min: 0, max: 11 }).map((x) => x === 0),
    child: fc.integer({ min: 0, max: 4 }).map((x) => x === 0),
  });

const dagArb = fc
  .integer({ min: 1, max: 9 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => taskArb(i))));

type Step =
  | { kind: 'report'; pick: number; ok: boolean }
  | { kind: 'duplicate'; pick: number }
  | { kind: 'reconcile' }
  /** The reconciler gives up a task in flight that no runner took (a child run is never given up). */
  | { kind: 'abandon'; pick: number }
  | { kind: 'cancel' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({ kind: fc.constant('report' as const), pick: fc.nat(), ok: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reconcile' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('abandon' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'cancel' as const }) },
);

function build(gen: GenTask[]): LoadedTemplate {
  const tasks: Record<string, unknown> = {};
  gen.forEach((g, i) => {
    const input: Record<string, unknown> = {
      needs: `=[${g.needs.map((n) => `tasks.t${n}.status`).join(', ')}]`,
      ...(g.throws ? { boom: '=$error("boom")' } : {}),
      ...(g.forEach ? { item: '=item' } : {}),
    };
    tasks[`t${i}`] = {
      type: g.child ? 'workflow.run' : 'noop',
      needs: g.needs.map((n) => `t${n}`),
      onFailure: g.onFailure,
      input: g.child ? { template: 'child', input } : input,
      ...(g.when === undefined ? {} : { when: `=${g.when}` }),
      ...(g.forEach
        ? {
            forEach: {
              items: `=[${[...Array(g.forEach.n).keys()].join(',')}]`,
              concurrency: g.forEach.concurrency,
            },
          }
        : {}),
    };
  });
  return template({ tasks, output: { statuses: '=tasks.*.status' } });
}

/** Some tasks and elements return an output, some nothing (a forEach then collects null). */
const outputOf = (key: string) =>
  [...key].reduce((sum, c) => sum + c.charCodeAt(0), 0) % 3 === 0 ? undefined : { of: key };
const baseId = (key: string) => key.replace(/\[\d+\]$/, '');
const terminal = new Set(['succeeded', 'failed', 'skipped', 'cancelled']);

/** Drives one run to quiescence, checking the step invariants; returns the driver and what it saw. */
async function exercise(gen: GenTask[], steps: Step[]) {
  const tpl = build(gen);
  const run = drive(tpl);
  const snapshots: string[] = [];
  const inFlight: string[] = [];
  const ended: string[] = [];
  const dispatchedOnce = new Set<string>();
  const children = new Map<string, string>(); // child run id -> task key
  const terminalOnce = new Set<string>();
  let cancelled = false;

  // One encoder over the whole run, as the engine keeps one: its kept JSON of ended tasks must
  // never go stale while the planner changes the state in place.
  const encode = runStateEncoder();
  // Seals ended tasks and collected element outputs into segments as the run store does, at the
  // smallest sizes (every 2, segments of ~200 bytes, outputs of forEach tasks over 2 elements
  // written from where they are settled): a sealed task or output must never change or go while it
  // matters, and the head joined with the segments, both through JSON, must be the state.
  const sealedJson = new Map<string, string>();
  const stored = new Map<string, SegmentTasks>(); // the run_segments bucket
  const sealed = nothingSealed();
  const seal = (state: RunState) => {
    dropEndedOutputs(state, sealed);
    const ended = unsealedEnded(state, sealed);
    if (ended.length < 2) return;
    for (const segment of sealSegments('run', state, sealed, ended, 200)) {
      stored.set(segment.name, JSON.parse(segment.json) as SegmentTasks);
      for (const [key, entry] of Object.entries(segment.tasks)) sealedJson.set(key, JSON.stringify(entry));
    }
  };
  /** What a sealed key holds now: its entry, or an element's output while its forEach collects. */
  const sealedNow = (state: RunState, key: string): string | undefined => {
    const { id, index } = parseTaskKey(key);
    if (index === undefined) return JSON.stringify(state.tasks[key]);
    const outputs = state.tasks[id]?.forEach?.outputs;
    if (!outputs) return undefined; // the forEach ended: its outputs are its own output now
    return JSON.stringify({ ...JSON.parse(sealedJson.get(key)!), output: outputs[index] });
  };
  /** `reconciling`: whether the commands (or which of them) re-send what is in flight. */
  const check = (commands: PlannerCommand[], reconciling: boolean | ((c: PlannerCommand) => boolean)) => {
    const state = run.state;
    expect(encode(state)).toBe(JSON.stringify(state));
    for (const [key, json] of sealedJson) {
      const now = sealedNow(state, key);
      if (now !== undefined) expect(now, key).toBe(json);
    }
    seal(state);
    const head = JSON.parse(encode(headOf(state, sealed, 2))) as RunState;
    // Nothing sealed is written again: no sealed task, no sealed output but as null.
    for (const [key, task] of Object.entries(head.tasks)) {
      expect(sealedJson.has(key), `${key} is sealed and in the head`).toBe(false);
      const fe = task.forEach;
      fe?.outputs?.forEach((output, offset) => {
        const element = `${key}[${(fe.outputsFrom ?? 0) + offset}]`;
        if (sealedJson.has(element)) expect(output, `${element} is sealed and in the head`).toBeNull();
      });
    }
    // The head lists the segments of ended tasks and of the outputs forEach tasks still collect.
    const listed = (head.segments ?? []).map((name) => stored.get(name)!);
    for (const segment of listed) {
      const ids = new Set(Object.keys(segment).map((key) => parseTaskKey(key)));
      for (const { id, index } of ids)
        if (index !== undefined) expect(state.tasks[id]?.forEach?.outputs).toBeDefined();
    }
    const joined = joinSegments(head, listed);
    expect(joined.state).toEqual(state);
    // A read knows outputs to be settled no further than the writer did, and knows what it sealed.
    for (const [key, read] of joined.sealed.outputs) {
      expect(read.from).toBeLessThanOrEqual(sealed.outputs.get(key)?.from ?? 0);
    }
    for (const [key, wrote] of sealed.outputs) {
      if (!state.tasks[key]?.forEach?.outputs) continue;
      const read = joined.sealed.outputs.get(key);
      for (const index of wrote.indexes)
        if (index >= (read?.from ?? 0)) expect(read?.indexes.has(index)).toBe(true);
    }
    // As the planner made it: the replay below seals nothing.
    snapshots.push(JSON.stringify({ state: { ...state, segments: undefined }, commands }));
    for (const c of commands) {
      const resend = typeof reconciling === 'function' ? reconciling(c) : reconciling;
      if (c.kind === 'start-child') children.set(c.childRunId, c.taskKey);
      if ((c.kind === 'schedule' || c.kind === 'start-child') && !resend) {
        expect(dispatchedOnce.has(c.taskKey), `${c.taskKey} scheduled twice`).toBe(false);
        dispatchedOnce.add(c.taskKey);
        inFlight.push(c.taskKey);
        for (const need of tpl.tasks.get(baseId(c.taskKey))!.needs) {
          expect(terminal.has(state.tasks[need]!.status), `${c.taskKey} before ${need}`).toBe(true);
        }
      }
      if ((c.kind === 'schedule' || c.kind === 'start-child') && resend)
        expect(inFlight).toContain(c.taskKey);
      const cancelled =
        c.kind === 'cancel-tasks'
          ? c.taskKeys
          : c.kind === 'cancel-child'
            ? [children.get(c.childRunId)!]
            : [];
      for (const key of cancelled) {
        expect(inFlight).toContain(key);
        inFlight.splice(inFlight.indexOf(key), 1);
        ended.push(key);
      }
      if (c.kind === 'task-event' && terminal.has(c.event.status)) {
        expect(terminalOnce.has(c.event.taskKey), `${c.event.taskKey} ended twice`).toBe(false);
        terminalOnce.add(c.event.taskKey);
      }
    }
    for (const [i, g] of gen.entries()) {
      if (!g.forEach) continue;
      const open = inFlight.filter((k) => baseId(k) === `t${i}`).length;
      expect(open).toBeLessThanOrEqual(g.forEach.concurrency);
    }
  };

  const unchanged = async (act: () => Promise<PlannerCommand[]>) => {
    const before = JSON.stringify(run.state);
    const commands = await act();
    expect(JSON.stringify(run.state)).toBe(before);
    expect(encode(run.state)).toBe(before);
    return commands;
  };

  const isChild = (key: string) => tpl.tasks.get(baseId(key))!.child;
  const childIdOf = (key: string) => [...children].find(([, k]) => k === key)![0];

  check(await run.start(), false);
  const bound = gen.reduce((sum, g) => sum + (g.forEach ? g.forEach.n : 1), 0);
  let reports = 0;
  const queue = [...steps];
  while (run.state.status === 'running') {
    const step: Step = queue.shift() ?? { kind: 'report', pick: 0, ok: true };
    if (step.kind === 'cancel') {
      cancelled = true;
      check(await run.cancel(), false);
    } else if (step.kind === 'reconcile') {
      const commands = await unchanged(() => run.reconcile());
      check(commands, true);
      expect(commands.filter((c) => c.kind !== 'schedule' && c.kind !== 'start-child')).toEqual([]);
      expect(commands.length).toBe(inFlight.length);
    } else if (step.kind === 'abandon' && inFlight.some((k) => !isChild(k))) {
      const candidates = inFlight.filter((k) => !isChild(k));
      const key = candidates[step.pick % candidates.length]!;
      inFlight.splice(inFlight.indexOf(key), 1);
      ended.push(key);
      reports++;
      const stillOut = new Set(inFlight);
      const attempt = run.state.tasks[key]!.attempt;
      const commands = await run.reconcile([{ taskKey: key, attempt, since: at(0) }]);
      expect(transitions(commands)[0]).toBe(`${key}:failed`);
      // The others in flight are sent again, as any reconcile does; the rest is what a failure leads
      // to, checked as after a failure report (nothing dispatched twice, nor before its needs).
      check(commands, (c) => (c.kind === 'schedule' || c.kind === 'start-child') && stillOut.has(c.taskKey));
    } else if (step.kind === 'duplicate' && ended.length > 0) {
      const key = ended[step.pick % ended.length]!;
      const commands = await unchanged(() =>
        isChild(key)
          ? run.childFinished(key, 'succeeded', { childRunId: childIdOf(key) })
          : run.succeed(key, outputOf(key)),
      );
      expect(commands).toEqual([]);
      snapshots.push(JSON.stringify({ state: { ...run.state, segments: undefined }, commands }));
    } else if (inFlight.length > 0) {
      const pick = step.kind === 'report' ? step.pick : 0;
      const key = inFlight.splice(pick % inFlight.length, 1)[0]!;
      ended.push(key);
      reports++;
      const ok = step.kind !== 'report' || step.ok;
      const commands = isChild(key)
        ? await run.childFinished(key, ok ? 'succeeded' : step.pick % 2 ? 'failed' : 'cancelled')
        : await (ok ? run.succeed(key, outputOf(key)) : run.fail(key));
      check(commands, false);
    } else {
      throw new Error('the run is running with nothing in flight');
    }
    expect(reports, 'more reports than tasks: the run does not terminate').toBeLessThanOrEqual(bound);
  }
  expect(inFlight).toEqual([]);
  return { tpl, run, snapshots, cancelled };
}

function checkOutcome(gen: GenTask[], state: RunState, cancelled: boolean) {
  const tasks = gen.map((g, i) => ({ g, task: state.tasks[`t${i}`]! }));
  expect(Object.keys(state.tasks).filter((k) => k.includes('['))).toEqual([]);
  for (const { task } of tasks) expect(terminal.has(task.status)).toBe(true);
  expect(state.open).toBe(0);
  if (state.status === 'succeeded') {
    for (const { g, task } of tasks) {
      if (g.when === false) expect(task.status).toBe('skipped');
      else expect(['succeeded', 'failed']).toContain(task.status);
      if (task.status === 'failed') expect(g.onFailure).toBe('continue');
      if (g.throws && g.when !== false && g.forEach?.n !== 0) expect(task.status).toBe('failed');
    }
  } else if (state.status === 'failed') {
    const failed = state.failedTask!;
    expect(state.tasks[failed]?.status).toBe('failed');
    expect(gen[Number(failed.slice(1))]?.onFailure).toBe('fail');
    expect(state.error).toEqual(state.tasks[failed]?.error);
  } else {
    expect(state.status).toBe('cancelled');
    expect(cancelled).toBe(true);
  }
}

describe('planner - properties', () => {
  it('planner - schedules each task once, never before its needs, and always terminates', async () => {
    await fc.assert(
      fc.asyncProperty(dagArb, fc.array(stepArb, { maxLength: 40 }), async (gen, steps) => {
        const { run, cancelled } = await exercise(gen, steps);
        checkOutcome(gen, run.state, cancelled);
      }),
      { numRuns: 250 },
    );
  });

  it('planner - the same events give the same states and commands', async () => {
    await fc.assert(
      fc.asyncProperty(dagArb, fc.array(stepArb, { maxLength: 40 }), async (gen, steps) => {
        const { run, snapshots } = await exercise(gen, steps);
        // A freshly compiled template and no shared state: only the events are the same.
        const fresh = build(gen);
        let state: RunState | undefined;
        const replayed: string[] = [];
        for (const event of run.events) {
          const result = await plan(fresh, state, event);
          state = result.state;
          replayed.push(JSON.stringify({ state, commands: result.commands }));
        }
        expect(replayed).toEqual(snapshots);
      }),
      { numRuns: 100 },
    );
  });
});
