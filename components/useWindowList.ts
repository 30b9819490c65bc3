import { useEffect, useLayoutEffect, useReducer, useRef, useState } from 'preact/hooks';
import type { RefObject } from 'preact';
import {
  Virtualizer,
  defaultRangeExtractor,
  observeWindowOffset,
  observeWindowRect,
  windowScroll,
  type VirtualItem,
} from '@tanstack/virtual-core';


/**
 * A list that scrolls with the page (the window) and renders only the rows
 * near the viewport, for rows of any height: each rendered row is measured
 * (ResizeObserver) and the list keeps its place when rows above change size.
 * Several lists may stack on one page; each finds its own offset.
 *
 * Built on @tanstack/virtual-core (the engine of @tanstack/react-virtual),
 * wired for Preact the way its React adapter is. `pinned` keys stay rendered
 * even far from the viewport: the row with focus and rows being edited, so
 * neither focus nor a half-typed edit is lost when the reader scrolls away.
 *
 * Render: `<ol ref={list.ref} style={{ height: list.totalSize }}>` with one
 * absolutely placed child per `list.items` entry carrying
 * `data-index={item.index}`, `ref={list.measure}` and
 * `transform: translateY(item.start - list.margin)`.
 */
export function useWindowList(opts: {
  count: number;
  /** The row's key; pass a function that changes only when the rows do (useCallback). */
  key(index: number): string;
  /** A first guess at a row's height (px) before it is measured. */
  estimate: number;
  gap?: number;
  overscan?: number;
  pinned?: ReadonlySet<string>;
}): {
  ref: RefObject<HTMLOListElement & HTMLUListElement>;
  items: VirtualItem[];
  totalSize: number;
  margin: number;
  measure(el: Element | null): void;
  /** Bring row `index` into view (then it is rendered and can take focus). */
  scrollTo(index: number, align?: 'start' | 'center' | 'end' | 'auto'): void;
} {
  const ref = useRef<HTMLOListElement & HTMLUListElement>(null);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const [margin, setMargin] = useState(0);
  const latest = useRef(opts);
  latest.current = opts;

  const options = {
    count: opts.count,
    getItemKey: opts.key,
    estimateSize: () => opts.estimate,
    gap: opts.gap ?? 0,
    overscan: opts.overscan ?? 6,
    scrollMargin: margin,
    getScrollElement: () => window,
    observeElementRect: observeWindowRect,
    observeElementOffset: observeWindowOffset,
    scrollToFn: windowScroll,
    initialOffset: () => window.scrollY,
    rangeExtractor: (range: Parameters<typeof defaultRangeExtractor>[0]) => {
      const shown = defaultRangeExtractor(range);
      const pinned = latest.current.pinned;
      if (!pinned?.size) return shown;
      const extra: number[] = [];
      const have = new Set(shown);
      for (let i = 0; i < range.count; i++) if (!have.has(i) && pinned.has(latest.current.key(i))) extra.push(i);
      return extra.length ? [...shown, ...extra].sort((a, b) => a - b) : shown;
    },
    onChange: () => rerender(0),
  };
  const [v] = useState(() => new Virtualizer<Window, Element>(options));
  v.setOptions(options);

  useEffect(() => v._didMount(), []);
  useLayoutEffect(() => v._willUpdate());
  // Where the list starts in the document (what comes above it may change size).
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const top = Math.round(el.getBoundingClientRect().top + window.scrollY);
    if (top !== margin) setMargin(top);
  });

  return {
    ref,
    items: v.getVirtualItems(),
    totalSize: v.getTotalSize(),
    margin: v.options.scrollMargin,
    measure: v.measureElement,
    scrollTo: (index, align = 'auto') => v.scrollToIndex(index, { align }),
  };
}
