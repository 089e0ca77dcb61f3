/**
 * CIS sessions: `POST /api/session` creates one for a user; every other call names it in
 * `vmware-api-session-id`. A session not used for `idleMs` is gone, as vCenter's idle timeout
 * (30 min by default) ends it; each use starts the idle time again.
 */
import { randomBytes } from 'node:crypto';

export interface SimSession {
  /** 32 hex characters, as vCenter's. */
  readonly id: string;
  readonly user: string;
  readonly createdMs: number;
  lastAccessedMs: number;
}

export type Sessions = ReturnType<typeof createSessions>;

export function createSessions(options: { idleMs: number; now?: () => number }) {
  const now = options.now ?? Date.now;
  const live = new Map<string, SimSession>();
  let created = 0;

  const expired = (s: SimSession, at: number): boolean => at - s.lastAccessedMs > options.idleMs;

  return {
    create(user: string): SimSession {
      const at = now();
      const session: SimSession = {
        id: randomBytes(16).toString('hex'),
        user,
        createdMs: at,
        lastAccessedMs: at,
      };
      live.set(session.id, session);
      created += 1;
      return session;
    },
    /** The live session with this id, its idle time restarted; undefined when unknown or idle too long. */
    use(id: string | undefined): SimSession | undefined {
      if (id === undefined) return undefined;
      const session = live.get(id);
      if (session === undefined) return undefined;
      const at = now();
      if (expired(session, at)) {
        live.delete(id);
        return undefined;
      }
      session.lastAccessedMs = at;
      return session;
    },
    remove(id: string): void {
      live.delete(id);
    },
    /** Ends every session, as a vCenter restart does. */
    expireAll(): void {
      live.clear();
    },
    /** Sessions created since start. */
    created: (): number => created,
    /** Sessions neither deleted nor idle too long. */
    open(): number {
      const at = now();
      return [...live.values()].filter((s) => !expired(s, at)).length;
    },
  };
}
