/**
 * The search terms middleware of the database (utils/db.ts installs it): keeps
 * pages' terms and claims' `claimTerms` rows in step on every write.
 */
import type Dexie from 'dexie';
import type { Annotation } from '../annotation';
import type { ClaimTermsRecord, Indexed, PageRecord } from '../records';
import { claimTextTerms, pageTerms } from './terms';
const SAME_TEXT = Symbol('saqta.sameText');

/**
 * Hand a claim to the next put whose quote and note the writer did not
 * change (utils/store/tag-admin.ts: tags and time only): the middleware
 * leaves its `claimTerms` row alone instead of folding its text again and
 * comparing. A symbol mark, never stored.
 */
export function withSameText<T extends object>(record: T): T {
  (record as Record<symbol, unknown>)[SAME_TEXT] = true;
  return record;
}

const sameList = (a: readonly string[] | undefined, b: readonly string[]) => !!a && a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Keep the search index in step with claims and pages on every write,
 * whoever writes them (save, highlight edits, import merge, team sync, watch
 * captures), so no writer needs to know about it. A DBCore middleware rather
 * than Dexie's `updating` hook (the hook read and diffed every record again).
 *
 * Pages carry their `terms` (v3). Claims (v50) do not: their quote and note
 * terms live in `claimTerms`, written in the same transaction (every
 * read-write transaction over `annotations` is widened to `claimTerms`), and
 * only when they changed (the stored row is read and compared), so a put that
 * changes tags, colour or anchor writes the claim alone and none of its ~30
 * term index entries. Deletes delete the rows. A small memo spares folding
 * the same text twice.
 */
export function termsMiddleware(): Parameters<Dexie['use']>[0] {
  const memo = new Map<string, string[]>();
  const remember = (key: string, make: () => string[]) => {
    let out = memo.get(key);
    if (!out) {
      out = make();
      if (memo.size >= 2000) memo.delete(memo.keys().next().value as string);
      memo.set(key, out);
    }
    return out;
  };
  const pageTermsOf = (p: PageRecord) => remember(`p${p.title}\u0000${p.siteName ?? ''}\u0000${p.byline ?? ''}\u0000${p.url}`, () => pageTerms(p)).slice();
  const claimTermsOf = (a: Annotation) => {
    const quote = a.target?.selector?.find((s) => s.type === 'TextQuoteSelector');
    const exact = quote && 'exact' in quote ? quote.exact : '';
    return remember(`a${exact}\u0000${a.body?.note ?? ''}`, () => claimTextTerms(a));
  };
  return {
    stack: 'dbcore',
    name: 'saqta-terms',
    create: (down) => ({
      ...down,
      transaction: (stores, mode, options) =>
        down.transaction(mode === 'readwrite' && stores.includes('annotations') && !stores.includes('claimTerms') ? [...stores, 'claimTerms'] : stores, mode, options),
      table: (name) => {
        const table = down.table(name);
        if (name === 'pages') {
          return {
            ...table,
            mutate: (req) => {
              if (req.type === 'add' || req.type === 'put') {
                for (const v of req.values as Indexed[]) {
                  if (!v || typeof v !== 'object') continue;
                  v.terms = pageTermsOf(v as never);
                }
              }
              return table.mutate(req);
            },
          };
        }
        if (name !== 'annotations') return table;
        return {
          ...table,
          mutate: async (req) => {
            const trans = req.trans as unknown as IDBTransaction;
            // Before v50 exists (an older version's upgrade step), claims keep what the step wrote.
            if (trans.objectStoreNames && !trans.objectStoreNames.contains('claimTerms')) return table.mutate(req);
            const side = down.table('claimTerms');
            if (req.type === 'delete') {
              const res = await table.mutate(req);
              await side.mutate({ type: 'delete', trans: req.trans, keys: req.keys });
              return res;
            }
            if (req.type === 'deleteRange') {
              const res = await table.mutate(req);
              await side.mutate({ type: 'deleteRange', trans: req.trans, range: req.range });
              return res;
            }
            const rows: { at: number; id: string; terms: string[] }[] = [];
            (req.values as (Annotation & Indexed & Record<symbol, unknown>)[]).forEach((v, at) => {
              if (!v || typeof v !== 'object') return;
              delete v.terms;
              if (v[SAME_TEXT]) delete v[SAME_TEXT];
              else rows.push({ at, id: v.id, terms: claimTermsOf(v) });
            });
            const res = await table.mutate(req);
            const written = res.numFailures ? rows.filter((r) => !res.failures[r.at]) : rows;
            if (written.length) {
              const stored = (await side.getMany({ trans: req.trans, keys: written.map((r) => r.id) })) as (ClaimTermsRecord | undefined)[];
              const changed = written.filter((r, i) => !sameList(stored[i]?.terms, r.terms)).map(({ id, terms }) => ({ id, terms: terms.slice() }));
              if (changed.length) await side.mutate({ type: 'put', trans: req.trans, values: changed });
            }
            return res;
          },
        };
      },
    }),
  };
}
