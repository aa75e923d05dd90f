// The arithmetic of a fixed-row-height virtual list, apart from React so that
// it can be unit-tested.

export interface Window {
  /** First row to render. */
  start: number;
  /** One past the last row to render. */
  end: number;
}

/** Rows visible in the viewport plus `overscan` rows either side, clamped to the list. */
export function visibleWindow(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  total: number,
  overscan = 8,
): Window {
  if (total <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const count = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  return {
    start: Math.max(0, first - overscan),
    end: Math.min(total, first + count + overscan),
  };
}

/** Page offsets (multiples of `pageSize`) needed to fill a window. */
export function pagesFor(win: Window, pageSize: number): number[] {
  if (win.end <= win.start) return [];
  const pages: number[] = [];
  for (let p = Math.floor(win.start / pageSize) * pageSize; p < win.end; p += pageSize) pages.push(p);
  return pages;
}

/**
 * The source row shown at list position `index` when the rows at `skipped`
 * (source positions, ascending) are left out — e.g. a deletion held back for
 * "Desfazer" — so the list closes the gap without reloading its pages.
 */
export function sourceIndex(index: number, skipped: readonly number[]): number {
  let source = index;
  for (const s of skipped) {
    if (s > source) break;
    source++;
  }
  return source;
}
