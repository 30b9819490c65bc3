/**
 * `send()` (utils/ext/client.ts): a background that went away before it
 * answered — the browser stopped or restarted it mid-request — is told apart
 * from other failures, so views can say the request may be retried
 * (tests/e2e/storage.e2e.ts kills the real worker mid-save).
 */
import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { send } from '../../utils/ext/client';

const rejectWith = (message: string) => vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockRejectedValue(new Error(message));

describe('send', () => {
  it.each([
    'A listener indicated an asynchronous response by returning true, but the message channel closed before a response was received',
    'The message port closed before a response was received.',
    'Could not establish connection. Receiving end does not exist.',
  ])('answers code "interrupted" when the channel closed first: %s', async (message) => {
    rejectWith(message);
    expect(await send('ping', {})).toEqual({ ok: false, error: { code: 'interrupted', message } });
  });

  it('keeps other failures as internal errors, and an empty answer as "did not answer"', async () => {
    rejectWith('Something else broke');
    expect(await send('ping', {})).toEqual({ ok: false, error: { code: 'internal', message: 'Something else broke' } });
    vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockResolvedValue(undefined);
    expect(await send('ping', {})).toMatchObject({ ok: false, error: { code: 'internal', message: 'The background did not answer.' } });
  });

  it('passes a Result through', async () => {
    vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockResolvedValue({ ok: true, value: { version: '1' } });
    expect(await send('ping', {})).toEqual({ ok: true, value: { version: '1' } });
  });
});
