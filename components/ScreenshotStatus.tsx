import { t } from '../utils/ext/i18n';
import { screenshotState } from '../utils/store/captures';
import type { CaptureRecord, ScreenshotState } from '../utils/db';

const TEXT: Record<Exclude<ScreenshotState, 'none'>, string> = {
  pending: 'shotPending',
  ok: 'shotOk',
  failed: 'shotFailed',
  'tab-closed': 'shotTabClosed',
  interrupted: 'shotInterrupted',
};

/**
 * Where a capture's screenshot stands: it follows the save's ✓ (utils/background/save.ts), so the
 * popup, the reader and the library say "taking the screenshot…", then "screenshot added" or why
 * it never came.
 */
export function ScreenshotStatus({ capture }: { capture: Pick<CaptureRecord, 'capturedAt' | 'notes' | 'artifacts'> }) {
  const state = screenshotState(capture);
  if (!state || state === 'none') return null;
  return (
    <span class={`shot-state shot-${state}`} data-testid="screenshot-state" data-state={state}>
      {t(TEXT[state])}
    </span>
  );
}
