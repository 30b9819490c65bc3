/**
 * A colleague part's saved HTML, sanitized before anything is stored (issue
 * 23): every article copy and snapshot goes through the same cleaner as
 * saving and file import (utils/extract/clean-html.ts, the save-time DOMPurify
 * configuration). The cleaner runs where a DOM is (the caller says how: jsdom
 * in Node, the event page in Firefox, the offscreen document in Chrome); a
 * copy that changed gets its new bytes, size and SHA-256. Pure.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { ParsedArticle } from '../export/records';
import type { CleanResult } from '../extract/clean-html';
import { knownBlob } from '../lock/envelope';

export type HtmlCleaner = (kind: 'article' | 'snapshot', html: string) => Promise<CleanResult>;

export async function cleanPartArticles(articles: ParsedArticle[], clean: HtmlCleaner): Promise<number> {
  let changed = 0;
  for (const a of articles) {
    for (const c of a.captures) {
      for (const f of c.files) {
        if ((f.ref.kind !== 'article' && f.ref.kind !== 'snapshot') || !/html/i.test(f.ref.mime)) continue;
        const text = f.bytes ? new TextDecoder().decode(f.bytes) : await f.data.text();
        delete f.bytes;
        const r = await clean(f.ref.kind, text);
        if (!r.removed.length) continue;
        const bytes = new TextEncoder().encode(r.html);
        f.data = knownBlob(bytes as Uint8Array, f.ref.mime);
        f.ref.sha256 = bytesToHex(sha256(bytes));
        f.ref.size = bytes.length;
        changed++;
      }
    }
  }
  return changed;
}
