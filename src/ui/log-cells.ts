/** Which log cells a replica card shows: the newest that fit, and a count of the earlier ones. */

/** Width of one log cell for op numbers of `digits` digits, gap included (CSS px). */
export function cellWidth(digits: number): number {
  return Math.max(22, Math.ceil(6.2 * digits) + 6) + 2;
}

/** Room kept on the left for the "… N earlier" marker. */
const earlierMarkerPx = 78;

/**
 * The newest log cells that fit the card, and how many earlier ops are not shown. The strip's width
 * is measured only when the card resizes (not per frame), and cells are sized by digit count, so
 * what fits is arithmetic rather than a layout read.
 */
export function visibleCells<T>(
  cells: readonly T[],
  firstOp: number,
  width: number,
  digits: number,
): {
  shown: readonly T[];
  earlier: number;
} {
  const each = cellWidth(digits);
  if (width <= 0 || (firstOp <= 1 && cells.length * each <= width))
    return { shown: cells, earlier: firstOp - 1 };
  const fit = Math.max(1, Math.floor((width - earlierMarkerPx) / each));
  const shown = cells.slice(Math.max(0, cells.length - fit));
  return { shown, earlier: firstOp - 1 + (cells.length - shown.length) };
}
