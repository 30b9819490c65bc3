/** The capture pipeline's after-save effects (utils/capture/store.ts) over the background's deps. */
import type { CaptureEffects } from '../capture/store';
import type { HandlerDeps } from './types';
import { captureSaved } from './evidence';

export function captureEffects(deps: HandlerDeps): CaptureEffects {
  return { db: deps.db, broadcast: deps.broadcast, stamp: (captureId) => captureSaved(deps, captureId) };
}
