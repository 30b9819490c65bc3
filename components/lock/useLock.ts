import { useEffect, useState } from 'preact/hooks';
import { onEvent, send } from '../../utils/ext/client';
import type { LockStatus } from '../../utils/lock/api';

/** The lock's status, kept current by the background's `lock.changed` events (docs/lock.md). */
export function useLock(): [LockStatus | null, () => Promise<void>] {
  const [status, setStatus] = useState<LockStatus | null>(null);
  const load = async () => {
    const r = await send('lock.status', {});
    if (r.ok) setStatus(r.value);
  };
  useEffect(() => {
    void load();
    return onEvent((e) => {
      if (e.event === 'lock.changed') void load();
    });
  }, []);
  return [status, load];
}
