/**
 * Mark claims in a copy of an article for the printed evidence sheet: each
 * claim's text is wrapped in <mark> and followed by its number ([1], [2] …),
 * so the paper shows which words each listed claim is — colour or not. Works
 * on a detached copy (the reader's own article and its Custom Highlights are
 * left alone). Overlapping claims are handled: each piece of text carries every
 * claim that covers it.
 */
import { anchorAll } from '../utils/anchoring';
import type { Annotation } from '../utils/annotation';

interface Segment {
  start: number;
  end: number;
  n: number;
  /** This segment ends the claim (its number goes after it). */
  last: boolean;
}

/** Visible to the reader unless hidden by attribute or inline style (the copy is not laid out). */
const isHidden = (el: Element) => {
  if (el.hasAttribute('hidden')) return true;
  const style = (el as HTMLElement).style;
  return !!style && (style.display === 'none' || style.visibility === 'hidden');
};

function textNodesIn(range: Range): Text[] {
  const root = range.commonAncestorContainer;
  if (root.nodeType === Node.TEXT_NODE) return [root as Text];
  const walker = root.ownerDocument!.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const out: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) if (range.intersectsNode(n) && n.nodeValue) out.push(n as Text);
  return out;
}

/**
 * Anchor `annotations` in `root` (a detached copy) and mark them; returns the
 * claims' numbers by id (1-based, in the order given) and which were found.
 */
export function markClaims(root: Element, annotations: Annotation[]): Map<string, { n: number; found: boolean }> {
  const found = anchorAll(root, annotations.map((a) => ({ id: a.id, selectors: a.target.selector })), { isHidden });
  const result = new Map<string, { n: number; found: boolean }>();
  const byNode = new Map<Text, Segment[]>();
  annotations.forEach((a, i) => {
    const hit = found.get(a.id);
    result.set(a.id, { n: i + 1, found: !!hit });
    if (!hit) return;
    const r = hit.range;
    const nodes = textNodesIn(r).filter((t) => {
      const s = t === r.startContainer ? r.startOffset : 0;
      const e = t === r.endContainer ? r.endOffset : t.length;
      return e > s;
    });
    nodes.forEach((t, k) => {
      const start = t === r.startContainer ? r.startOffset : 0;
      const end = t === r.endContainer ? r.endOffset : t.length;
      byNode.set(t, [...(byNode.get(t) ?? []), { start, end, n: i + 1, last: k === nodes.length - 1 }]);
    });
  });
  const doc = root.ownerDocument!;
  for (const [node, segs] of byNode) {
    const text = node.nodeValue ?? '';
    const cuts = [...new Set([0, text.length, ...segs.flatMap((s) => [s.start, s.end])])].sort((a, b) => a - b);
    const frag = doc.createDocumentFragment();
    for (let i = 0; i < cuts.length - 1; i++) {
      const [a, b] = [cuts[i]!, cuts[i + 1]!];
      const piece = text.slice(a, b);
      const covering = segs.filter((s) => s.start <= a && s.end >= b);
      if (!covering.length) frag.append(piece);
      else {
        const mark = doc.createElement('mark');
        mark.className = 'ev-mark';
        mark.dataset.claims = covering.map((s) => s.n).join(' ');
        mark.textContent = piece;
        frag.append(mark);
      }
      for (const s of segs.filter((x) => x.last && x.end === b)) {
        const sup = doc.createElement('sup');
        sup.className = 'ev-ref';
        sup.textContent = `[${s.n}]`;
        frag.append(sup);
      }
    }
    node.replaceWith(frag);
  }
  return result;
}
