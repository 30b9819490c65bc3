/**
 * Embedded frames (iframes) Saqta cannot mark inside. The content script runs
 * in the top frame only (`all_frames` is off: see docs/highlighting.md, "Frames"),
 * so text the reader selects in a frame never reaches the highlighter. This
 * module finds the frames that show content (big enough to read in), and tells
 * when the reader's focus — and so their selection — is inside one, so the
 * toolbar can say why nothing happens instead of staying silent.
 */
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import type { FrameInfo } from '../../utils/messages';

/** Smaller frames are buttons, trackers and ads, not something to read. */
const MIN_WIDTH = 250;
const MIN_HEIGHT = 120;

function isContentFrame(el: Element): el is HTMLIFrameElement | HTMLFrameElement {
  if (el.localName !== 'iframe' && el.localName !== 'frame') return false;
  const r = el.getBoundingClientRect();
  if (r.width < MIN_WIDTH || r.height < MIN_HEIGHT) return false;
  return typeof el.checkVisibility !== 'function' || el.checkVisibility({ visibilityProperty: true, opacityProperty: true });
}

/** The page's content frames, in document order (at most 10). */
export function contentFrames(doc: Document = document): FrameInfo[] {
  const out: FrameInfo[] = [];
  for (const el of doc.querySelectorAll('iframe, frame')) {
    if (!isContentFrame(el)) continue;
    const src = /^https?:/i.test(el.src) ? el.src : null;
    out.push({ src, title: el.title.trim() || null });
    if (out.length === 10) break;
  }
  return out;
}

/** The content frame that has the focus (where the reader is selecting), if any. */
export function focusedFrame(doc: Document = document): Element | null {
  const el = doc.activeElement;
  return el && isContentFrame(el) ? el : null;
}

/** Call `entered` the first time the reader's focus goes into each content frame. */
export function watchFrameFocus(ctx: ContentScriptContext, entered: () => void): void {
  const seen = new WeakSet<Element>();
  const check = (e: Event) => {
    if (!e.isTrusted) return;
    ctx.setTimeout(() => {
      const frame = focusedFrame();
      if (frame && !seen.has(frame)) {
        seen.add(frame);
        entered();
      }
    }, 0);
  };
  // The top window loses focus when the reader clicks into a frame (activeElement is then the frame);
  // going from one frame into another focuses the second frame's element.
  ctx.addEventListener(window, 'blur', check);
  ctx.addEventListener(document, 'focus', check, { capture: true });
  // But under Saqta's blended overlay (on every page: surface.ts) Chromium moves the focus from one
  // frame into another (cross-origin) frame without any event in the top document: while the focus
  // is in a frame, look at where it is a few times a second (this costs nothing otherwise).
  let polling = 0;
  const poll = () => {
    const frame = focusedFrame();
    if (!frame || document.visibilityState === 'hidden') {
      clearInterval(polling);
      polling = 0;
    } else if (!seen.has(frame)) {
      seen.add(frame);
      entered();
    }
  };
  ctx.addEventListener(window, 'blur', (e) => {
    if (e.isTrusted && !polling) polling = ctx.setInterval(poll, 300);
  });
}
