/**
 * Output: colour on a terminal, percentages, aligned tables, and a command's failure.
 */
import { inFlags } from './args';

export const RED = '31';

/** `text` in colour `code`: only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function paint(text: string, code: string): string {
  const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
  return colour && code ? `\u001b[${code}m${text}\u001b[0m` : text;
}

export function pct(p: number): string {
  return `${Math.round(p * 10000) / 100}%`;
}

/** Aligned columns; colour codes take no width. */
export function table(rows: string[][], maxWidth = Infinity): string {
  // eslint-disable-next-line no-control-regex
  const width = (cell: string) => cell.replace(/\u001b\[[0-9;]*m/g, '').length;
  const natural = rows[0].map((_, c) => Math.max(...rows.map(r => width(r[c]))));
  const widths = fitted(natural, maxWidth - 2 * (natural.length - 1));
  // each cell in lines of its column's width; a row is as high as its highest cell
  const lines = rows.flatMap(r => {
    const cells = r.map((cell, c) => (width(cell) > widths[c] ? wrap(cell, widths[c]) : [cell]));
    const height = Math.max(...cells.map(x => x.length));
    return Array.from({ length: height }, (_, i) => cells.map(x => x[i] ?? ''));
  });
  // the last column is padded too, and its padding trimmed with the row's
  return lines.map(r => r.map((cell, c) => cell + ' '.repeat(Math.max(0, widths[c] - width(cell)))).join('  ').trimEnd()).join('\n');
}

/** Column widths within `room`: the widest columns are narrowed first, each to no less than 12 characters. */
function fitted(natural: number[], room: number): number[] {
  const widths = [...natural];
  while (widths.reduce((a, b) => a + b, 0) > room) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest] <= 12) break;
    widths[widest]--;
  }
  return widths;
}

/** A cell's text in lines of at most `width`: broken after "; ", else before " -> " or " fallback ", else at a blank; a longer word cut. */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const cut = [rest.lastIndexOf('; ', width - 1) + 1, rest.lastIndexOf(' -> ', width), rest.lastIndexOf(' fallback ', width), rest.lastIndexOf(' ', width)]
      .find(i => i > 0);
    const at = cut ?? width;
    out.push(rest.slice(0, at));
    rest = rest.slice(at).trimStart();
  }
  return [...out, rest];
}


/**
 * A command that could not answer: a flag that names nothing in the files, a file that cannot be read, a bad field
 * or reference. The message in the command line's words, and exit 2.
 */
export function failed(e: unknown, err: (s: string) => void): number {
  err(`cdk8s-lanes: ${inFlags((e as Error).message)}`);
  return 2;
}
