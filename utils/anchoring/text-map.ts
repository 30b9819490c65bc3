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
  /** The text nodes that contributed, in document order. */
  readonly nodes: Text[];
  /** For each character: index into `nodes`. */
  readonly nodeOf: Int32Array;
  /** For each character: code unit offset in its node, or -1 for a virtual space before the node. */
  readonly offsetOf: Int32Array;
  /** For each node i: index of its first character; `nodeStart[nodes.length] === text.length`. */
  readonly nodeStart: Int32Array;
  private index = new Map<Node, number>();

  constructor(readonly root: Node, options: TextMapOptions = {}) {
    const useCV = options.useCheckVisibility ?? true;
    const isHidden = options.isHidden ?? ((el: Element) => defaultIsHidden(el, useCV));
    const nodes: Text[] = [];
    // Per-character arrays, grown by doubling (no per-character JS array pushes).
    let nodeOf = new Int32Array(4096);
    let offsetOf = new Int32Array(4096);
    const starts: number[] = [];
    const parts: string[] = [];
    let length = 0;
    let lastWasSpace = true; // nothing emitted yet: leading space is dropped
    // A pending gap: [node index, offset] of the white space that caused it, or offset -1 for a block boundary.
    let gapNode = -1;
    let gapOffset = -1;
    const room = (extra: number) => {
      if (length + extra <= nodeOf.length) return;
      let size = nodeOf.length * 2;
      while (size < length + extra) size *= 2;
      const n = new Int32Array(size);
      n.set(nodeOf);
      nodeOf = n;
      const o = new Int32Array(size);
      o.set(offsetOf);
      offsetOf = o;
    };

    const visitText = (t: Text) => {
      const ni = nodes.length;
      nodes.push(t);
      starts.push(length);
      this.index.set(t, ni);
      const data = t.data;
      // White space only (the indentation between tags: most text nodes of a real page): at most a gap, found in one native test.
      if (ALL_SPACE.test(data)) {
        if (data.length && !lastWasSpace && gapNode < 0) {
          gapNode = ni;
          gapOffset = 0;
        }
        return;
      }
      room(data.length + 1);
      // No white space to fold and nothing invisible (single ASCII spaces between words only): the node is kept whole.
      if (!NEEDS_FOLDING.test(data)) {
        if (gapNode >= 0) {
          if (!lastWasSpace) {
            parts.push(' ');
            nodeOf[length] = gapNode;
            offsetOf[length] = gapOffset;
            length++;
          }
          gapNode = -1;
        }
        parts.push(data);
        nodeOf.fill(ni, length, length + data.length);
        for (let i = 0; i < data.length; i++) offsetOf[length + i] = i;
        length += data.length;
        lastWasSpace = false;
        return;
      }
      // Runs of kept characters are copied as slices.
      let runStart = -1;
      for (let i = 0; i < data.length; i++) {
        const code = data.charCodeAt(i);
        const space = isSpace(code);
        if (space || isInvisible(code)) {
          if (runStart >= 0) {
            parts.push(data.slice(runStart, i));
            runStart = -1;
          }
          if (space && !lastWasSpace && gapNode < 0) {
            gapNode = ni;
            gapOffset = i;
          }
          continue;
        }
        if (gapNode >= 0) {
          if (!lastWasSpace) {
            if (runStart >= 0) {
              parts.push(data.slice(runStart, i));
              runStart = -1;
            }
            parts.push(' ');
            nodeOf[length] = gapNode;
            offsetOf[length] = gapOffset;
            length++;
          }
          gapNode = -1;
        }
        if (runStart < 0) runStart = i;
        nodeOf[length] = ni;
        offsetOf[length] = i;
        length++;
        lastWasSpace = false;
      }
      if (runStart >= 0) parts.push(data.slice(runStart));
    };
    const blockBoundary = () => {
      // A block edge reads as a space unless one is already pending.
      if (gapNode < 0 && !lastWasSpace) {
        gapNode = nodes.length; // before the next text node
        gapOffset = -1;
      }
    };

    const root0 = root;
    if (root0.nodeType === 3) {
      visitText(root0 as Text);
    } else {
      let node: Node | null = root0.firstChild;
      while (node) {
        let descend = false;
        if (node.nodeType === 3) {
          visitText(node as Text);
        } else if (node.nodeType === 1) {
          const el = node as Element;
          const name = el.localName;
          const block = BLOCK.has(name);
          // An empty inline element (an SVG path, an icon, an input) adds nothing whether hidden or not: not asked.
          if (!SKIP.has(name) && (el.firstChild || block) && !isHidden(el)) {
            if (block) blockBoundary();
            descend = true;
          }
        }
        if (descend && node.firstChild) {
          node = node.firstChild;
          continue;
        }
        // Leave: next sibling, or climb, closing blocks on the way.
        while (node && node !== root0) {
          if (descend && node.nodeType === 1 && BLOCK.has((node as Element).localName)) blockBoundary();
          descend = true; // every ancestor we climb through was entered
          if (node.nextSibling) {
            node = node.nextSibling;
            break;
          }
          node = node.parentNode;
        }
        if (node === root0) break;
      }
    }
    starts.push(length);
    this.text = parts.join('');
    this.nodes = nodes;
    this.nodeOf = nodeOf.subarray(0, length);
    this.offsetOf = offsetOf.subarray(0, length);
    this.nodeStart = Int32Array.from(starts);
  }

  /** The display offset of a DOM boundary point (container, offset). */
  offsetAt(container: Node, offset: number): number {
    const ni = this.index.get(container);
    if (ni !== undefined) {
      const from = this.nodeStart[ni];
      const to = this.nodeStart[ni + 1];
      for (let i = from; i < to; i++) {
        if (this.nodeOf[i] === ni && this.offsetOf[i] >= offset) return i;
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
    const sNode = this.nodes[this.nodeOf[start]];
    const sOff = this.offsetOf[start];
    r.setStart(sNode, sOff < 0 ? 0 : sOff);
    const last = end - 1;
    const eNode = this.nodes[this.nodeOf[last]];
    const eOff = this.offsetOf[last];
    r.setEnd(eNode, eOff < 0 ? 0 : eOff + 1);
    return r;
  }
}

/** Build the text map of a root (see TextMap). */
export function buildTextMap(root: Node, options?: TextMapOptions): TextMap {
  return new TextMap(root, options);
}
