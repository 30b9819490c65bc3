/** A colleague's part refused by a check (sync.ts, apply.ts): its kind and a reason in English for the report. */
import type { RefusalKind } from './records';

export class PartRefused extends Error {
  constructor(
    readonly kind: RefusalKind,
    message: string,
  ) {
    super(message);
    this.name = 'PartRefused';
  }
}
