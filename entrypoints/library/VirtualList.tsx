import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { ListRow } from '../../utils/library/rows';

/** Rows fetched per request, and blocks kept in memory. */
const BLOCK = 50;
const KEEP_BLOCKS = 40;

/**
 * A windowed list over `total` rows: only the rows on screen (plus a few)
 * exist in the DOM, and rows are fetched in blocks of 50 (fetch(offset,
 * limit) → ids with their records) as they scroll into view, so a list of
 * 100,000 claims opens with one block read and scrolls without freezing.
 * Rows have a fixed height.
 */
export function VirtualList<T>(props: {
  total: number;
  rowHeight: number;
  fetch(offset: number, limit: number): Promise<ListRow<T>[]>;
  /** `id` is undefined while its block loads. */
  row(id: string | undefined, item: T | undefined, index: number): ComponentChildren;
  label: string;
  testId: string;
  /** Changes when rows must be reloaded (a new list, edits). */
  version: unknown;
}) {
  const { total, rowHeight } = props;
  const box = useRef<HTMLDivElement>(null);
  const [top, setTop] = useState(0);
  const [height, setHeight] = useState(600);
  const first = Math.max(0, Math.floor(top / rowHeight) - 5);
  const last = Math.min(total, Math.ceil((top + height) / rowHeight) + 5);
  const [blocks, setBlocks] = useState(new Map<number, ListRow<T>[]>());
  const loading = useRef(new Set<number>());
  // The rows of the list before a reload stay on screen until the new ones
  // arrive: a save or an edit elsewhere neither blanks the list nor takes the
  // keyboard focus off a row's button (rows are keyed by id, so an unchanged
  // row keeps its DOM node).
  const previous = useRef(new Map<number, ListRow<T>[]>());
  const firstVersion = useRef(true);
  useEffect(() => {
    if (firstVersion.current) return void (firstVersion.current = false);
    loading.current = new Set();
    setBlocks((cur) => {
      const kept = new Map([...previous.current, ...cur]);
      // No more than the list itself keeps: the blocks nearest the screen.
      const far = [...kept.keys()].sort((x, y) => Math.abs(y * BLOCK - first) - Math.abs(x * BLOCK - first));
      for (const k of far.slice(0, Math.max(0, kept.size - KEEP_BLOCKS))) kept.delete(k);
      previous.current = kept;
      return new Map();
    });
  }, [props.version]);
  useEffect(() => {
    const el = box.current!;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  useEffect(() => {
    const wanted: number[] = [];
    for (let b = Math.floor(first / BLOCK); b * BLOCK < last; b++) if (!blocks.has(b) && !loading.current.has(b)) wanted.push(b);
    if (!wanted.length) return;
    const inFlight = loading.current;
    for (const b of wanted) {
      inFlight.add(b);
      void props.fetch(b * BLOCK, BLOCK).then((rows) => {
        // A newer list replaced this one meanwhile: drop the answer.
        if (loading.current !== inFlight) return;
        inFlight.delete(b);
        previous.current.delete(b);
        setBlocks((cur) => {
          const next = new Map(cur);
          next.set(b, rows);
          if (next.size > KEEP_BLOCKS) {
            // Forget the blocks farthest from this one.
            const far = [...next.keys()].sort((x, y) => Math.abs(y - b) - Math.abs(x - b));
            for (const k of far.slice(0, next.size - KEEP_BLOCKS)) next.delete(k);
          }
          return next;
        });
      });
    }
  }, [first, last, blocks, props.version]);
  const rows: ComponentChildren[] = [];
  for (let i = first; i < last; i++) {
    const b = Math.floor(i / BLOCK);
    const r = (blocks.get(b) ?? previous.current.get(b))?.[i % BLOCK];
    rows.push(
      <div role="listitem" key={r?.id ?? `#${i}`} class="vrow" style={{ position: 'absolute', top: `${i * rowHeight}px`, height: `${rowHeight}px`, left: 0, right: 0 }}>
        {props.row(r?.id, r?.item, i)}
      </div>,
    );
  }
  return (
    <div ref={box} class="vlist" role="list" aria-label={props.label} data-testid={props.testId} onScroll={(e) => setTop((e.currentTarget as HTMLDivElement).scrollTop)}>
      <div style={{ height: `${total * rowHeight}px`, position: 'relative' }}>{rows}</div>
    </div>
  );
}
