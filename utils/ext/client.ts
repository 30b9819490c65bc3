/**
 * Browser glue (uses `browser.*`): the typed way for content scripts and
 * extension pages to ask the background. Core logic never imports this.
 */
import { browser } from 'wxt/browser';
import type { Api, Event, Request, RequestType, Result } from '../messages';

export async function send<K extends RequestType>(type: K, req: Api[K]['req']): Promise<Result<Api[K]['res']>> {
  const msg = { type, ...req } as Request<K>;
  try {
    const res = (await browser.runtime.sendMessage(msg)) as Result<Api[K]['res']> | undefined;
    if (!res || typeof res !== 'object' || !('ok' in res)) {
      return { ok: false, error: { code: 'internal', message: 'The background did not answer.' } };
    }
    return res;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // The background went away before answering (the browser stopped or restarted it mid-request).
    if (INTERRUPTED.test(message)) return { ok: false, error: { code: 'interrupted', message } };
    return { ok: false, error: { code: 'internal', message } };
  }
}

/** Chromium's and Firefox's words for "the answer's channel closed first". */
const INTERRUPTED = /message (port|channel) closed before a response|receiving end does not exist|could not establish connection|extension context invalidated/i;

/** Listen for background events; returns the function that stops listening. */
export function onEvent(listener: (e: Event) => void): () => void {
  const fn = (msg: unknown) => {
    if (msg && typeof msg === 'object' && 'event' in msg) listener(msg as Event);
    return undefined;
  };
  browser.runtime.onMessage.addListener(fn);
  return () => browser.runtime.onMessage.removeListener(fn);
}
