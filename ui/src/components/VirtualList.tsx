import { useLayoutEffect, useRef, useState, type ReactNode } from "react";
import { visibleWindow, type Window } from "./virtual";

interface Props {
  total: number;
  rowHeight: number;
  /** Renders row `index`; may return a placeholder while its page loads. */
  row: (index: number) => ReactNode;
  /** Told which rows are on screen, to load their pages. */
  onWindow?: (win: Window) => void;
  /**
   * What row `index` shows (its id), once loaded. A row keyed by its place
   * would keep its element when the list reorders and show another item in
   * it: a click aimed at one chat as a new message moved the list opened
   * the one that took its place.
   */
  rowKey?: (index: number) => string | undefined;
  label: string;
}

/** A list that renders only the rows on screen, so 100k contacts scroll like 10. */
export function VirtualList({ total, rowHeight, row, onWindow, rowKey, label }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 600 });

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setView({ top: el.scrollTop, height: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const win = visibleWindow(view.top, view.height, rowHeight, total);
  useLayoutEffect(() => {
    onWindow?.(win);
  }, [win.start, win.end, onWindow]); // eslint-disable-line react-hooks/exhaustive-deps

  const rows: ReactNode[] = [];
  // Pages read at different moments can hold one item twice for a moment:
  // the second keeps its place as key (keys must be unique).
  const seen = new Set<string>();
  for (let i = win.start; i < win.end; i++) {
    const id = rowKey?.(i);
    const key = id !== undefined && !seen.has(id) ? id : `#${i}`;
    if (id !== undefined) seen.add(id);
    rows.push(
      <div key={key} role="listitem" className="vrow" style={{ top: i * rowHeight, height: rowHeight }}>
        {row(i)}
      </div>,
    );
  }
  return (
    <div
      ref={ref}
      className="vlist"
      role="list"
      aria-label={label}
      onScroll={(e) => setView({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })}
    >
      <div style={{ height: total * rowHeight, position: "relative" }}>{rows}</div>
    </div>
  );
}
