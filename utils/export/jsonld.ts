/**
 * Claims as W3C Web Annotations (https://www.w3.org/TR/annotation-model/):
 * an AnnotationCollection whose items carry the selectors, tags as
 * TextualBody with purpose "tagging", the note with purpose "commenting",
 * the colour as a styleClass (with the stylesheet on the collection) and
 * `saqta:color`, and the times. `fromJsonLd` reads that back, and also the
 * shape Hypothesis exports (uri, text, tags, target[].selector).
 */
import { isAreaSelector } from '../pdf/area';
import { parseIsoDate } from './dates';
import { COLORS, type Annotation, type Color, type Selector } from '../annotation';
import { BundleError } from '../zip/errors';

const CONTEXT = ['http://www.w3.org/ns/anno.jsonld', { saqta: 'https://saqta.app/ns#' }] as const;

const CSS: Record<Color, string> = { yellow: '#ffe066', green: '#8ce99a', blue: '#a5d8ff', pink: '#fcc2d7', purple: '#d0bfff' };

interface WebAnnotation {
  '@context'?: unknown;
  id: string;
  type: 'Annotation';
  motivation: string;
  created: string;
  modified: string;
  body: { type: 'TextualBody'; value: string; purpose: 'tagging' | 'commenting'; format?: string }[];
  target: { source: string; styleClass: string; selector: Selector[] };
  'saqta:color': Color;
  'saqta:pageId': string;
  'saqta:anchor': string;
}

export function toWebAnnotation(a: Annotation): WebAnnotation {
  return {
    id: a.id,
    type: 'Annotation',
    motivation: a.body.note ? 'commenting' : 'highlighting',
    created: a.created,
    modified: a.modified,
    body: [
      ...a.body.tags.map((value) => ({ type: 'TextualBody' as const, value, purpose: 'tagging' as const })),
      ...(a.body.note ? [{ type: 'TextualBody' as const, value: a.body.note, purpose: 'commenting' as const, format: 'text/plain' }] : []),
    ],
    target: { source: a.target.source, styleClass: `saqta-${a.body.color}`, selector: a.target.selector },
    'saqta:color': a.body.color,
    'saqta:pageId': a.pageId,
    'saqta:anchor': a.anchor,
  };
}

export function toCollection(annotations: Annotation[], label: string, id: string): object {
  return {
    '@context': CONTEXT,
    id,
    type: 'AnnotationCollection',
    label,
    total: annotations.length,
    stylesheet: {
      type: 'CssStylesheet',
      value: COLORS.map((c) => `.saqta-${c} { background-color: ${CSS[c]}; }`).join(' '),
    },
    first: { type: 'AnnotationPage', startIndex: 0, items: annotations.map(toWebAnnotation) },
  };
}

/** A claim read from JSON-LD, before it is matched to a page in the library. */
export interface ImportedClaim {
  id: string;
  source: string;
  /** Page id in the bundle it came from (Saqta bundles), if any. */
  pageId?: string;
  title?: string;
  selector: Selector[];
  tags: string[];
  note: string;
  color: Color;
  created: string;
  modified: string;
}

const MAX_TEXT = 20_000;
const MAX_TAG = 100;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** An ISO 8601 date-time in Saqta's form, else the fallback (never `Date.parse`'s guesses: "1" is not 2001). */
function isoOr(v: unknown, fallback: string): string {
  return parseIsoDate(v)?.iso ?? fallback;
}

function cleanSelectors(raw: unknown, where: string): Selector[] {
  const out: Selector[] = [];
  for (const s of asArray(raw)) {
    if (!isObj(s)) continue;
    if (s.type === 'TextQuoteSelector') {
      const exact = str(s.exact);
      if (!exact || !exact.trim()) throw new BundleError('annotation-invalid', 'annEmptyQuote', [where]);
      if (exact.length > MAX_TEXT) throw new BundleError('too-long', 'annLongQuote', [where, exact.length, MAX_TEXT]);
      out.push({ type: 'TextQuoteSelector', exact, prefix: (str(s.prefix) ?? '').slice(0, 400), suffix: (str(s.suffix) ?? '').slice(0, 400) });
    } else if (s.type === 'TextPositionSelector') {
      const { start, end } = s;
      if (Number.isInteger(start) && Number.isInteger(end) && (start as number) >= 0 && (end as number) >= (start as number) && (end as number) < 1e9) {
        out.push({ type: 'TextPositionSelector', start: start as number, end: end as number });
      }
    } else if (s.type === 'PageSelector') {
      const { index, label } = s as { index?: unknown; label?: unknown };
      if (Number.isInteger(index) && (index as number) >= 0 && (index as number) < 1e6) {
        out.push({ type: 'PageSelector', index: index as number, ...(typeof label === 'string' ? { label: label.slice(0, 100) } : {}) });
      }
    } else if (s.type === 'FragmentSelector') {
      // An area of a PDF page (RFC 3778), kept only in the form Saqta writes.
      const f = { type: 'FragmentSelector' as const, conformsTo: str(s.conformsTo) ?? '', value: str(s.value) ?? '' };
      if (isAreaSelector(f)) out.push(f);
    }
    // Other selector types (RangeSelector, XPath, CSS) are not kept: the quote anchors.
  }
  if (!out.some((s) => s.type === 'TextQuoteSelector' || s.type === 'FragmentSelector')) throw new BundleError('annotation-invalid', 'annNoQuote', [where]);
  return out;
}

function cleanSource(v: unknown, where: string): string {
  const s = str(v);
  let url: URL;
  try {
    url = new URL(s ?? '');
  } catch {
    throw new BundleError('annotation-invalid', 'annNoSource', [where]);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BundleError('annotation-invalid', 'annProtocol', [where, url.protocol]);
  if (s!.length > 4000) throw new BundleError('too-long', 'annLongSource', [where, 4000]);
  return url.href;
}

function cleanTags(tags: unknown[], where: string): string[] {
  const out: string[] = [];
  for (const t of tags) {
    if (typeof t !== 'string') continue;
    if (t.length > 1000) throw new BundleError('too-long', 'annLongTag', [where, t.length]);
    const name = t.replace(/\s+/g, ' ').trim().slice(0, MAX_TAG);
    if (name && !out.includes(name)) out.push(name);
  }
  if (out.length > 200) throw new BundleError('too-long', 'annManyTags', [where, out.length, 200]);
  return out;
}

function cleanNote(v: string, where: string): string {
  if (v.length > MAX_TEXT) throw new BundleError('too-long', 'annLongNote', [where, v.length, MAX_TEXT]);
  return v;
}

/** One W3C or Hypothesis annotation to a claim. Throws BundleError naming it. */
export function claimFrom(raw: unknown, index: number, now: string): ImportedClaim {
  const where = String(index + 1);
  if (!isObj(raw)) throw new BundleError('annotation-invalid', 'annNotObject', [where]);
  const id = str(raw.id);
  if (id !== undefined && (id.length > 300 || !id.trim())) throw new BundleError('annotation-invalid', 'annBadId', [where]);
  const label = id ? JSON.stringify(id.slice(0, 80)) : where;
  const colorRaw = raw['saqta:color'];
  const color: Color = COLORS.includes(colorRaw as Color) ? (colorRaw as Color) : 'yellow';
  // Hypothesis: { uri, text, tags, target: [{ source, selector }], document: { title: [] } }
  if ('uri' in raw || 'text' in raw || (Array.isArray(raw.target) && !('body' in raw))) {
    const target = asArray(raw.target).find(isObj) ?? {};
    const doc = isObj(raw.document) ? raw.document : {};
    return {
      id: hypothesisId(id),
      source: cleanSource(str(target.source) ?? raw.uri, label),
      title: str(asArray(doc.title)[0])?.slice(0, 1000),
      selector: cleanSelectors(target.selector, label),
      tags: cleanTags(asArray(raw.tags), label),
      note: cleanNote(str(raw.text) ?? '', label),
      color,
      created: isoOr(raw.created, now),
      modified: isoOr(raw.updated ?? raw.modified, now),
    };
  }
  const target = asArray(raw.target).find((t) => isObj(t)) as Record<string, unknown> | undefined;
  if (!target) throw new BundleError('annotation-invalid', 'annNoTarget', [label]);
  const bodies = asArray(raw.body).filter(isObj);
  const tags = cleanTags(bodies.filter((b) => b.purpose === 'tagging').map((b) => b.value), label);
  const note = bodies
    .filter((b) => b.purpose === 'commenting' || (b.purpose === undefined && b.type === 'TextualBody'))
    .map((b) => str(b.value) ?? '')
    .join('\n\n');
  const styleColor = /^saqta-(\w+)$/.exec(str(target.styleClass) ?? '')?.[1];
  return {
    id: id && /^urn:uuid:[0-9a-f-]{36}$/i.test(id) ? id.toLowerCase() : hypothesisId(id),
    source: cleanSource(target.source, label),
    pageId: str(raw['saqta:pageId'])?.slice(0, 300),
    selector: cleanSelectors(target.selector, label),
    tags,
    note: cleanNote(note, label),
    color: COLORS.includes(styleColor as Color) && !COLORS.includes(colorRaw as Color) ? (styleColor as Color) : color,
    created: isoOr(raw.created, now),
    modified: isoOr(raw.modified, isoOr(raw.created, now)),
  };
}

/** Foreign ids become stable urn:uuid values (same input, same id), so re-imports merge. */
function hypothesisId(id: string | undefined): string {
  if (!id) return `urn:uuid:${crypto.randomUUID()}`;
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  const hex: string[] = [];
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < id.length; i++) {
      h1 = Math.imul(h1 ^ id.charCodeAt(i), 16777619) >>> 0;
      h2 = Math.imul(h2 ^ (id.charCodeAt(i) + round), 2246822519) >>> 0;
    }
    hex.push(((h1 ^ h2) >>> 0).toString(16).padStart(8, '0'));
  }
  const s = hex.join('');
  return `urn:uuid:${s.slice(0, 8)}-${s.slice(8, 12)}-5${s.slice(13, 16)}-a${s.slice(17, 20)}-${s.slice(20, 32)}`;
}

/** Read any of: our AnnotationCollection, a W3C collection or page, an array, one annotation, a Hypothesis export. */
export function fromJsonLd(text: string, now = new Date().toISOString()): ImportedClaim[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new BundleError('annotations-json', 'annotationsNotJson', [(err as Error).message], 'annotations.jsonld');
  }
  let items: unknown[];
  if (Array.isArray(data)) items = data;
  else if (isObj(data) && data.type === 'AnnotationCollection') {
    const first = data.first;
    items = isObj(first) ? asArray(first.items) : asArray(data.items);
  } else if (isObj(data) && data.type === 'AnnotationPage') items = asArray(data.items);
  else if (isObj(data) && Array.isArray(data.annotations)) items = data.annotations; // Hypothesis export file
  else if (isObj(data) && Array.isArray(data.rows)) items = data.rows; // Hypothesis search API
  else if (isObj(data) && (data.type === 'Annotation' || 'target' in data)) items = [data];
  else throw new BundleError('not-jsonld', 'notJsonLd', [], 'annotations.jsonld');
  if (items.length > 200_000) throw new BundleError('too-long', 'tooManyAnnotations', [items.length], 'annotations.jsonld');
  const claims = items.map((it, i) => claimFrom(it, i, now));
  const ids = new Set<string>();
  for (const c of claims) {
    if (ids.has(c.id)) throw new BundleError('annotation-duplicate', 'annDuplicate', [JSON.stringify(c.id)], 'annotations.jsonld');
    ids.add(c.id);
  }
  return claims;
}
