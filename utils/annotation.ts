/**
 * The W3C Web Annotation shapes Saqta stores and exports, declared once.
 * https://www.w3.org/TR/annotation-model/ — we keep the subset we use.
 * Pure types and tiny helpers: no `browser.*`.
 */

export interface TextQuoteSelector {
  type: 'TextQuoteSelector';
  exact: string;
  prefix: string;
  suffix: string;
}

export interface TextPositionSelector {
  type: 'TextPositionSelector';
  start: number;
  end: number;
}

/** PDFs (docs/pdf.md): the page a claim starts on, as Hypothesis writes it (0-based `index`, printed `label`). */
export interface PageSelector {
  type: 'PageSelector';
  index: number;
  label?: string;
}

/** PDFs: an area of a page (RFC 3778 `page=…&viewrect=…`, utils/pdf/area.ts), for scanned pages without text. */
export interface FragmentSelector {
  type: 'FragmentSelector';
  conformsTo: string;
  value: string;
}

export type Selector = TextQuoteSelector | TextPositionSelector | PageSelector | FragmentSelector;

/** The highlight colours a reader can pick; the names are stable ids, not UI text. */
export const COLORS = ['yellow', 'green', 'blue', 'pink', 'purple'] as const;
export type Color = (typeof COLORS)[number];

interface AnnotationTarget {
  /** URL of the page the claim was made on. */
  source: string;
  selector: Selector[];
}

export interface AnnotationBody {
  tags: string[];
  note: string;
  color: Color;
}

/** Where a claim was last found on a page (kept so lists can show orphans without a page). */
export type AnchorState = 'anchored' | 'orphan' | 'unknown';

export interface Annotation {
  /** urn:uuid:… — stable across export/import. */
  id: string;
  pageId: string;
  target: AnnotationTarget;
  body: AnnotationBody;
  /** ISO 8601 UTC. */
  created: string;
  modified: string;
  /** Last anchoring result seen by any view. */
  anchor: AnchorState;
  /**
   * Team sync: the colleague who made this claim (read-only here; utils/team/).
   * Absent on the reader's own claims.
   */
  author?: ClaimAuthor;
}

/** A team member as colleagues see them: a stable id (their folder) and the name they chose. */
export interface ClaimAuthor {
  id: string;
  name: string;
  /** The reader has not confirmed this member's key fingerprint (Settings → Team; docs/team-trust.md). */
  unconfirmed?: boolean;
}

export function quoteOf(a: Pick<Annotation, 'target'>): TextQuoteSelector | undefined {
  return a.target.selector.find((s): s is TextQuoteSelector => s.type === 'TextQuoteSelector');
}

/** The page number selector of a claim on a PDF (docs/pdf.md), if it has one. */
export function pageOf(a: Pick<Annotation, 'target'>): PageSelector | undefined {
  return a.target.selector.find((s): s is PageSelector => s.type === 'PageSelector');
}

export function newId(): string {
  return `urn:uuid:${crypto.randomUUID()}`;
}

export function nowIso(): string {
  return new Date().toISOString();
}
