/**
 * The text map of a root: its *rendered* text as one string (the display
 * text of normalize.ts) and, for every character of it, where it came from in
 * the DOM, so offsets in the string turn back into DOM Ranges and Ranges into
 * offsets. Built once per anchoring pass (O(text length)); pure DOM.
 *
 * What counts as rendered: text nodes under the root, except inside
 * script/style/noscript/template/textarea/select (and friends) and inside
 * hidden elements (`hidden`, inline `display:none`, and — where the browser
 * has it — `checkVisibility()` false). Block boundaries (p, li, td, br, …)
 * read as one space, like `innerText` folded.
 */
import { isInvisible, isSpace, keyOf } from './normalize';

const SKIP = new Set([
  'script', 'style', 'noscript', 'template', 'textarea', 'select', 'option', 'optgroup', 'datalist',
  'iframe', 'object', 'embed', 'canvas', 'video', 'audio', 'head', 'title', 'meta', 'link',
]);

const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'caption', 'dd', 'details', 'dialog', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup',
  'hr', 'legend', 'li', 'main', 'menu', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td',
  'tfoot', 'th', 'thead', 'tr', 'ul', 'img', 'picture', 'body', 'html',
]);

/** A string of nothing but what `isSpace` calls white space (normalize.ts), or empty. */
const ALL_SPACE = /^[\t-\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

/** Anything the character loop below would fold or drop: white space other than one ASCII space between two other characters, or an invisible (normalize.ts `isSpace`, `isInvisible`). */
const NEEDS_FOLDING = /[\t-\r\u00a0\u00ad\u1680\u2000-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff]|^ | $|  /;

export interface TextMapOptions {
  /**
   * Whether an element's subtree is hidden from the reader. Default: the
   * `hidden` attribute, inline `display:none`/`visibility:hidden`, and
   * `checkVisibility()` where the browser implements it faithfully
   * (`useCheckVisibility`, on by default; happy-dom's always answers true).
   */
  isHidden?: (el: Element) => boolean;
  useCheckVisibility?: boolean;
}

function defaultIsHidden(el: Element, useCheckVisibility = true): boolean {
  if (el.hasAttribute('hidden')) return true;
  // Read the inline style only where there is one (the style object is made on first access: most elements have none).
  const style = el.hasAttribute('style') ? (el as HTMLElement).style : null;
  if (style && (style.display === 'none' || style.visibility === 'hidden')) return true;
  if (useCheckVisibility && typeof (el as HTMLElement).checkVisibility === 'function') {
    return !(el as HTMLElement).checkVisibility();
  }
  return false;
}

export class TextMap {
  /** Display text of the root (white space folded, invisibles dropped). */
  readonly text: string;
  /** Match key of `text` (same length): quotes/dashes folded, lower case. Made on first use (claims found at their stored position need none). */
  get key(): string {
    return (this.keyCache ??= keyOf(this.text));
  }
  private keyCache: string | undefined;
  /** The text nodes met under the root (white-space-only ones included), in document order. */
  readonly nodes: Text[];
  /** For each node i: index of its first display character; `nodeStart[nodes.length] === text.length`. */
  readonly nodeStart: number[];
  /**
   * The map back to the DOM, as runs (segments): segment k covers display
   * characters [segStart[k], segStart[k + 1]) (the last one runs to the end)
   * and they come from node `nodes[segNode[k]]`, code units segOff[k] on, one
   * for one; segOff[k] === -1 marks a one-character virtual space (a block
   * edge), which maps to the start of its node. A node kept whole is one
   * segment, so the map costs a few numbers per node rather than per character.
   */
  private readonly segStart: number[];
  private readonly segNode: number[];
  private readonly segOff: number[];
  private index: Map<Node, number> | undefined;

  constructor(readonly root: Node, options: TextMapOptions = {}) {
    const b = walkText(root, options);
    this.text = b.parts.join('');
    this.nodes = b.nodes;
    this.nodeStart = b.starts;
    this.segStart = b.segStart;
    this.segNode = b.segNode;
    this.segOff = b.segOff;
  }

  /** The segment holding display character i (0 ≤ i < text.length). */
  private segmentAt(i: number): number {
    const s = this.segStart;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The display offset of a DOM boundary point (container, offset). */
  offsetAt(container: Node, offset: number): number {
    if (!this.index) {
      this.index = new Map();
      for (let i = 0; i < this.nodes.length; i++) this.index.set(this.nodes[i], i);
    }
    const ni = this.index.get(container);
    if (ni !== undefined) {
      // The first character of this node at or after `offset` (a virtual space counts as before it), else the node's end.
      const from = this.nodeStart[ni];
      const to = this.nodeStart[ni + 1];
      if (from < to) {
        for (let k = this.segmentAt(from); k < this.segStart.length && this.segStart[k] < to; k++) {
          if (this.segNode[k] !== ni || this.segOff[k] < 0) continue;
          const segEnd = k + 1 < this.segStart.length ? this.segStart[k + 1] : this.text.length;
          const last = this.segOff[k] + (segEnd - this.segStart[k]) - 1;
          if (last >= offset) return this.segStart[k] + Math.max(0, offset - this.segOff[k]);
        }
      }
      return to;
    }
    // An element boundary (or a text node we skipped): the first mapped node at or after the point.
    const doc = container.ownerDocument ?? (container as Document);
    const probe = doc.createRange();
    try {
      probe.setStart(container, offset);
    } catch {
      return 0;
    }
    probe.collapse(true);
    let lo = 0;
    let hi = this.nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      let cmp: number;
      try {
        cmp = probe.comparePoint(this.nodes[mid], 0);
      } catch {
        cmp = 1;
      }
      if (cmp >= 0) hi = mid;
      else lo = mid + 1;
    }
    if (lo >= this.nodes.length) return this.text.length;
    return this.nodeStart[lo];
  }

  /** The DOM Range of display text [start, end). */
  range(start: number, end: number): Range {
    const doc = this.root.ownerDocument ?? (this.root as Document);
    const r = doc.createRange();
    if (this.text.length === 0) {
      r.selectNodeContents(this.root);
      r.collapse(true);
      return r;
    }
    start = Math.max(0, Math.min(start, this.text.length - 1));
    end = Math.max(start + 1, Math.min(end, this.text.length));
    let k = this.segmentAt(start);
    let off = this.segOff[k];
    r.setStart(this.nodes[this.segNode[k]], off < 0 ? 0 : off + (start - this.segStart[k]));
    const last = end - 1;
    // The end is most often in the same segment (a claim inside one text node).
    if (!(k + 1 >= this.segStart.length || this.segStart[k + 1] > last)) k = this.segmentAt(last);
    off = this.segOff[k];
    r.setEnd(this.nodes[this.segNode[k]], off < 0 ? 0 : off + (last - this.segStart[k]) + 1);
    return r;
  }
}

interface Walked {
  parts: string[];
  nodes: Text[];
  starts: number[];
  segStart: number[];
  segNode: number[];
  segOff: number[];
}

/**
 * One walk of the tree into display text and segments (TextMap). Written as
 * one function over local variables, with as few DOM calls per node as the
 * rules allow (each is a trip into the browser): the map is built once per
 * page load, when none of this code is warm, so the interpreter's cost per
 * node is what counts.
 */
function walkText(root: Node, options: TextMapOptions): Walked {
  const custom = options.isHidden;
  const useCV = options.useCheckVisibility ?? true;
  const nodes: Text[] = [];
  const starts: number[] = [];
  const parts: string[] = [];
  const segStart: number[] = [];
  const segNode: number[] = [];
  const segOff: number[] = [];
  let length = 0;
  let lastWasSpace = true; // nothing emitted yet: leading space is dropped
  // A pending gap: [node index, offset] of the white space that caused it, or offset -1 for a block boundary.
  let gapNode = -1;
  let gapOffset = -1;
  // The last segment: display start, node, code unit offset (-1: a virtual space). A run that continues it
  // (the same node, the next code unit) only moves `length`.
  let lastNode = -1;
  let lastOff = -1;
  let lastStart = 0;
  // For each element entered on the way down: whether it is a block (its edge reads as a space when left).
  const blocks: boolean[] = [];

  let node: Node | null = root.nodeType === 3 ? root : root.firstChild;
  while (node) {
    const type = node.nodeType;
    let child: Node | null = null;
    if (type === 3) {
      const ni = nodes.length;
      nodes.push(node as Text);
      starts.push(length);
      const data = (node as Text).data;
      if (ALL_SPACE.test(data)) {
        // White space only (the indentation between tags: most text nodes of a real page): at most a gap.
        if (data.length && !lastWasSpace && gapNode < 0) {
          gapNode = ni;
          gapOffset = 0;
        }
      } else if (!NEEDS_FOLDING.test(data)) {
        // No white space to fold and nothing invisible (single ASCII spaces between words only): kept whole.
        if (gapNode >= 0) {
          if (!lastWasSpace) {
            parts.push(' ');
            if (!(gapOffset >= 0 && gapNode === lastNode && lastOff >= 0 && lastOff + (length - lastStart) === gapOffset)) {
              segStart.push(length);
              segNode.push(gapNode);
              segOff.push(gapOffset);
              lastStart = length;
              lastNode = gapNode;
              lastOff = gapOffset;
            }
            length++;
          }
          gapNode = -1;
        }
        parts.push(data);
        if (!(lastNode === ni && lastOff >= 0 && lastOff + (length - lastStart) === 0)) {
          segStart.push(length);
          segNode.push(ni);
          segOff.push(0);
          lastStart = length;
          lastNode = ni;
          lastOff = 0;
        }
        length += data.length;
        lastWasSpace = false;
      } else {
        // Fold character by character; runs of kept characters are copied as slices.
        let runStart = -1;
        const n = data.length;
        for (let i = 0; i <= n; i++) {
          const code = i < n ? data.charCodeAt(i) : 32;
          const space = isSpace(code);
          if (space || isInvisible(code)) {
            if (runStart >= 0) {
              parts.push(data.slice(runStart, i));
              if (!(lastNode === ni && lastOff >= 0 && lastOff + (length - lastStart) === runStart)) {
                segStart.push(length);
                segNode.push(ni);
                segOff.push(runStart);
                lastStart = length;
                lastNode = ni;
                lastOff = runStart;
              }
              length += i - runStart;
              runStart = -1;
            }
            if (space && i < n && !lastWasSpace && gapNode < 0) {
              gapNode = ni;
              gapOffset = i;
            }
            continue;
          }
          if (gapNode >= 0) {
            // (No run is open here: a gap is pending only after a space, which closed it.)
            if (!lastWasSpace) {
              parts.push(' ');
              if (!(gapOffset >= 0 && gapNode === lastNode && lastOff >= 0 && lastOff + (length - lastStart) === gapOffset)) {
                segStart.push(length);
                segNode.push(gapNode);
                segOff.push(gapOffset);
                lastStart = length;
                lastNode = gapNode;
                lastOff = gapOffset;
              }
              length++;
            }
            gapNode = -1;
          }
          if (runStart < 0) runStart = i;
          lastWasSpace = false;
        }
      }
    } else if (type === 1) {
      const el = node as Element;
      const name = el.localName;
      const block = BLOCK.has(name);
      const first = el.firstChild;
      // An empty inline element (an SVG path, an icon, an input) adds nothing whether hidden or not: not asked.
      if ((first || block) && !SKIP.has(name) && !(custom ? custom(el) : defaultIsHidden(el, useCV))) {
        // A block edge reads as a space unless one is already pending.
        if (block && gapNode < 0 && !lastWasSpace) {
          gapNode = nodes.length; // before the next text node
          gapOffset = -1;
        }
        // (An empty block, br or img, is left at once: its second edge adds nothing to the gap just set.)
        if (first) {
          blocks.push(block);
          child = first;
        }
      }
    }
    if (child) {
      node = child;
      continue;
    }
    // Leave: the next sibling, or climb, closing blocks on the way.
    if (node === root) break;
    let next: Node | null = node.nextSibling;
    while (!next) {
      node = node!.parentNode;
      if (!node || node === root) break;
      if (blocks.pop() && gapNode < 0 && !lastWasSpace) {
        gapNode = nodes.length;
        gapOffset = -1;
      }
      next = node.nextSibling;
    }
    node = next;
  }
  starts.push(length);
  return { parts, nodes, starts, segStart, segNode, segOff };
}

/** Build the text map of a root (see TextMap). */
export function buildTextMap(root: Node, options?: TextMapOptions): TextMap {
  return new TextMap(root, options);
}
