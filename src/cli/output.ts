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
export function table(rows: string[][]): string {
  // eslint-disable-next-line no-control-regex
  const width = (cell: string) => cell.replace(/\u001b\[[0-9;]*m/g, '').length;
  const widths = rows[0].map((_, c) => Math.max(...rows.map(r => width(r[c]))));
  // the last column is padded too, and its padding trimmed with the row's
  return rows.map(r => r.map((cell, c) => cell + ' '.repeat(widths[c] - width(cell))).join('  ').trimEnd()).join('\n');
}


/**
 * A command that could not answer: a flag that names nothing in the files, a file that cannot be read, a bad field
 * or reference. The message in the command line's words, and exit 2.
 */
export function failed(e: unknown, err: (s: string) => void): number {
  err(`cdk8s-lanes: ${inFlags((e as Error).message)}`);
  return 2;
}
