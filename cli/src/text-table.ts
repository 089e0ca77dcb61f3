import { printable } from './terminal-text.js';

/**
 * A plain-text table for a terminal: columns as wide as their widest cell, two spaces apart; a
 * cell's control characters escaped (terminal-text.ts).
 */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = rows.map((r) => r.map(printable));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  return [header, ...cells]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
