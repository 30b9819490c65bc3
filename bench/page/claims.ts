/**
 * Claims and edits for the anchoring benchmark, made in the page itself with
 * a seeded generator: every run picks the same claims and makes the same edits.
 *
 * A claim is a live DOM Range over 30–220 characters of one paragraph-like
 * block (it may cross links and emphasis), starting and ending on word
 * boundaries — what a reader selects. Live ranges follow the edits, so after
 * `mutate` each claim's range is where its text now is (the ground truth).
 */
import { rng } from '../lib/stats';

const SKIP = 'script, style, noscript, template, textarea, select, head, svg, iframe';
const BLOCK = new Set(['P', 'LI', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'BLOCKQUOTE', 'TD', 'TH', 'DD', 'DT', 'FIGCAPTION', 'PRE', 'DIV', 'SECTION', 'ARTICLE', 'ASIDE', 'HEADER', 'FOOTER', 'NAV', 'MAIN', 'BODY']);

export interface Claim {
  id: string;
  /** Live: follows the page's edits. */
  range: Range;
  /** Set by `mutate` when the claim's block was removed: the right answer is "orphan". */
  removed: boolean;
}

interface Block {
  el: Element;
  nodes: Text[];
  starts: number[];
  text: string;
}

function visibleBlocks(root: Element): Block[] {
  const blocks = new Map<Element, Block>();
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => {
      const parent = n.parentElement;
      if (!parent || parent.closest(SKIP) || !parent.checkVisibility()) return NodeFilter.FILTER_REJECT;
      return NodeFilter.FILTER_ACCEPT;
    },
  });
  for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null) {
    let el: Element = n.parentElement!;
    while (!BLOCK.has(el.tagName) && el.parentElement) el = el.parentElement;
    let b = blocks.get(el);
    if (!b) blocks.set(el, (b = { el, nodes: [], starts: [], text: '' }));
    b.nodes.push(n);
    b.starts.push(b.text.length);
    b.text += n.data;
  }
  return [...blocks.values()].filter((b) => b.text.replace(/\s+/g, ' ').trim().length >= 40);
}

function at(block: Block, offset: number): [Text, number] {
  let i = block.starts.length - 1;
  while (i > 0 && block.starts[i] > offset) i--;
  return [block.nodes[i], offset - block.starts[i]];
}

export function makeClaims(root: Element, count: number, seed: number): Claim[] {
  const random = rng(seed);
  const blocks = visibleBlocks(root);
  const total = blocks.reduce((s, b) => s + b.text.length, 0);
  const claims: Claim[] = [];
  let attempts = 0;
  while (claims.length < count && attempts++ < count * 50) {
    // A block chosen in proportion to its text, like a reader's eye.
    let pick = random() * total;
    const block = blocks.find((b) => (pick -= b.text.length) < 0) ?? blocks[blocks.length - 1];
    const words = [...block.text.matchAll(/\S+/g)];
    if (words.length < 5) continue;
    const first = Math.floor(random() * words.length);
    const want = 30 + Math.floor(random() * 190);
    let last = first;
    while (last + 1 < words.length && words[last + 1].index! + words[last + 1][0].length - words[first].index! <= want) last++;
    const start = words[first].index!;
    const end = words[last].index! + words[last][0].length;
    if (end - start < 20) continue;
    const range = document.createRange();
    range.setStart(...at(block, start));
    range.setEnd(...at(block, end));
    claims.push({ id: `c${claims.length}`, range, removed: false });
  }
  return claims;
}

/**
 * Edit the page as a newsroom would: remove `removeShare` of the paragraphs
 * and change one word in `changeShare` of the remaining text nodes.
 */
export function mutate(root: Element, claims: Claim[], seed: number, removeShare = 0.08, changeShare = 0.15) {
  const random = rng(seed);
  const blocks = visibleBlocks(root).filter((b) => b.el.tagName === 'P' || b.el.tagName === 'LI');
  let removed = 0;
  for (const b of blocks) {
    if (random() >= removeShare) continue;
    for (const c of claims) if (!c.removed && c.range.intersectsNode(b.el)) c.removed = true;
    b.el.remove();
    removed++;
  }
  const vocabulary = [...(root.textContent ?? '').matchAll(/\p{L}{3,}/gu)].map((m) => m[0]);
  let changed = 0;
  for (const b of visibleBlocks(root)) {
    for (const node of b.nodes) {
      if (node.data.length < 30 || random() >= changeShare) continue;
      const words = [...node.data.matchAll(/\p{L}{3,}/gu)];
      if (!words.length) continue;
      const w = words[Math.floor(random() * words.length)];
      const replacement = vocabulary[Math.floor(random() * vocabulary.length)];
      if (replacement === w[0]) continue;
      node.replaceData(w.index!, w[0].length, replacement);
      changed++;
    }
  }
  return { removedParagraphs: removed, changedWords: changed, claimsRemoved: claims.filter((c) => c.removed).length };
}

/** Visible characters two ranges share, over the longer of the two. */
export function overlap(a: Range, b: Range): number {
  const len = (r: Range) => r.toString().replace(/\s+/g, '').length;
  const start = a.compareBoundaryPoints(Range.START_TO_START, b) >= 0 ? a : b;
  const end = a.compareBoundaryPoints(Range.END_TO_END, b) <= 0 ? a : b;
  const common = document.createRange();
  common.setStart(start.startContainer, start.startOffset);
  common.setEnd(end.endContainer, end.endOffset);
  if (common.collapsed) return 0; // setEnd before the start collapses the range: no overlap
  return len(common) / Math.max(len(a), len(b), 1);
}
