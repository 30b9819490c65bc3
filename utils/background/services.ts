/**
 * What the background keeps across requests, as services `main()` builds
 * once and passes in `HandlerDeps.services` (no module-level state in the
 * handler modules): the screenshots under way, the one team sync, the one
 * watch round, the install's key, the timestamp queue.
 */
import type { KeyRecord } from '../evidence/keys';
import type { SyncReport } from '../team/sync-types';

/** One run at a time: a call while one runs joins it. */
class Single<T> {
  private current: Promise<T> | null = null;
  get running(): boolean {
    return this.current !== null;
  }
  run(job: () => Promise<T>): Promise<T> {
    if (this.current) return this.current;
    const p = job().finally(() => {
      if (this.current === p) this.current = null;
    });
    this.current = p;
    return p;
  }
}

/** Jobs one after the other, in order of asking; a failed one does not stop the next. */
class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  then<T>(job: () => Promise<T>): Promise<T> {
    const run = this.tail.then(job);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

/** A value made once, on first use (made again after a failure). */
class Once<T> {
  private value: Promise<T> | null = null;
  get(make: () => Promise<T>): Promise<T> {
    this.value ??= make().catch((e: unknown) => {
      this.value = null;
      throw e;
    });
    return this.value;
  }
  /** Forget the value (the lock closed or changed the key: utils/background/lock.ts). */
  reset(): void {
    this.value = null;
  }
}

export interface Services {
  /** Saving: screenshots under way after their save's ✓ by tab (a new save of the tab waits), and one screenshot at a time. */
  shots: { byTab: Map<number, Promise<unknown>>; queue: Serial };
  /** Team sync: one at a time. */
  teamSync: Single<SyncReport>;
  /** Watching: one round of checks at a time. */
  watchRound: Single<{ checked: number }>;
  /** Evidence: the install's signing key (one in flight). */
  key: Once<KeyRecord>;
  /** Evidence: the timestamp queue's runs, in order. */
  stamps: Serial;
}

export function createServices(): Services {
  return {
    shots: { byTab: new Map(), queue: new Serial() },
    teamSync: new Single(),
    watchRound: new Single(),
    key: new Once(),
    stamps: new Serial(),
  };
}

/** The services of these deps (made on first use where `main()` did not pass them: tests). */
export function servicesOf(deps: { services?: Services }): Services {
  return (deps.services ??= createServices());
}
