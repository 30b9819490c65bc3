import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';

/**
 * A windowed list: only the rows on screen (plus a few) exist in the DOM,
 * and their records are loaded in batches (load(ids) → map), so lists of
 * 100,000 claims scroll without freezing. Rows have a fixed height.
 */
export function VirtualList<T>(props: {
  ids: string[];
  rowHeight: number;
  load(ids: string[]): Promise<Map<string, T>>;
  row(id: string, item: T | undefined, index: number): ComponentChildren;
  label: string;
  testId: string;
  /** Changes when rows must be reloaded (edits). */
  version: number;
}) {
  const { ids, rowHeight } = props;
  const box = useRef<HTMLDivElement>(null);
  const [top, setTop] = useState(0);
  const [height, setHeight] = useState(600);
  const [cache, setCache] = useState(new Map<string, T>());
  useEffect(() => setCache(new Map()), [props.version, ids]);
  useEffect(() => {
    const el = box.current!;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const first = Math.max(0, Math.floor(top / rowHeight) - 5);
  const last = Math.min(ids.length, Math.ceil((top + height) / rowHeight) + 5);
  const visible = ids.slice(first, last);
  useEffect(() => {
    const missing = visible.filter((id) => !cache.has(id));
    if (!missing.length) return;
    let live = true;
    void props.load(missing).then((found) => {
      if (!live) return;
      setCache((c) => {
        const next = new Map(c);
        for (const [k, v] of found) next.set(k, v);
        if (next.size > 2000) for (const k of [...next.keys()].slice(0, next.size - 1000)) next.delete(k);
        return next;
      });
    });
    return () => {
      live = false;
    };
  }, [first, last, ids, cache]);
  return (
    <div ref={box} class="vlist" role="list" aria-label={props.label} data-testid={props.testId} onScroll={(e) => setTop((e.currentTarget as HTMLDivElement).scrollTop)}>
      <div style={{ height: `${ids.length * rowHeight}px`, position: 'relative' }}>
        {visible.map((id, k) => (
          <div role="listitem" key={id} class="vrow" style={{ position: 'absolute', top: `${(first + k) * rowHeight}px`, height: `${rowHeight}px`, left: 0, right: 0 }}>
            {props.row(id, cache.get(id), first + k)}
          </div>
        ))}
      </div>
    </div>
  );
}
