/**
 * Chrome's offscreen document for watching (utils/ext/watch-bridge.ts) and for
 * sanitizing team parts' saved HTML (utils/ext/team-host.ts): a DOM
 * the service worker lacks, to run Readability over fetched or copied HTML off
 * the page's main thread. Answers only messages addressed to it.
 */
import { browser } from 'wxt/browser';
import { extractHtml, paragraphsOfHtml } from '../../utils/watch/extract-html';
import { cleanSavedHtml } from '../../utils/extract/clean-html';

type Job =
  | { target: 'saqta-offscreen'; op: 'extract'; html: string; url: string; withSnapshot: boolean }
  | { target: 'saqta-offscreen'; op: 'paragraphs'; html: string }
  | { target: 'saqta-offscreen'; op: 'clean'; kind: 'article' | 'snapshot'; html: string };

const win = window as Window & typeof globalThis;

browser.runtime.onMessage.addListener((msg: unknown) => {
  const job = msg as Job;
  if (!job || typeof job !== 'object' || job.target !== 'saqta-offscreen') return undefined;
  try {
    if (job.op === 'extract') return Promise.resolve({ ok: true, value: extractHtml(job.html, job.url, job.withSnapshot, win) });
    if (job.op === 'paragraphs') return Promise.resolve({ ok: true, value: paragraphsOfHtml(job.html, win) });
    // A colleague part's saved HTML (utils/team/clean.ts): the save-time DOMPurify configuration.
    if (job.op === 'clean') return Promise.resolve({ ok: true, value: cleanSavedHtml(job.kind, job.html, win) });
  } catch (err) {
    return Promise.resolve({ ok: false, error: err instanceof Error ? err.message : String(err) });
  }
  return undefined;
});
