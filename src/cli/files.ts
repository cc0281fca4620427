/**
 * Reading the manifest files the commands are given: files, or every manifest under a directory, as `kubectl apply
 * -f DIR -R` finds them (symbolic links followed, loops detected), within bounds on size; each file read once, and
 * only as valid UTF-8.
 */
import { isUtf8 } from 'buffer';
import * as fs from 'fs';
import * as path from 'path';
import { documentAt } from '../private/simulate/read/yaml';

/** Largest file read: a cdk8s synth chart of 10,000 services is about 19 MiB. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Most bytes read in all: memory stays bounded whatever directories are given (a parsed file takes several times its size). */
const MAX_TOTAL_BYTES = 128 * 1024 * 1024;
/** What `cdk8s-lanes` reads in a directory (recursively), as `kubectl apply -f DIR -R` does. */
const MANIFEST_FILE = /\.(ya?ml|json)$/;

const MiB = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

/** What a path is, its links followed; a dangling link, a FIFO, a socket or a device is an error naming it. */
function kindOf(name: string): 'file' | 'directory' {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(name);
  } catch {
    // Stryker disable BlockStatement: a catch that returns nothing reads as false alike, no link
    const link = (() => {
      try {
        return fs.lstatSync(name).isSymbolicLink();
      } catch {
        return false;
      }
    })();
    // Stryker restore BlockStatement
    throw new Error(link ? `${name}: a symbolic link to ${fs.readlinkSync(name)}, which does not exist` : `${name}: no such file or directory`);
  }
  if (stat.isDirectory()) return 'directory';
  if (stat.isFile()) return 'file';
  throw new Error(`${name}: not a regular file (a FIFO, a socket or a device); give manifest files or directories`);
}

/**
 * The manifest files a path names: the file itself, or every .yaml, .yml and .json file under a directory (sorted by
 * name, subdirectories and links to them included, each directory once).
 */
export function manifestFiles(name: string): string[] {
  if (kindOf(name) === 'file') return [name];
  const found: string[] = [];
  const walked = new Set<string>();
  const walk = (dir: string) => {
    const real = fs.realpathSync(dir);
    if (walked.has(real)) return; // a link back to a directory walked already (a loop, or the same directory twice)
    walked.add(real);
    // Stryker disable next-line EqualityOperator: the names in one directory differ, so < and <= agree
    for (const entry of fs.readdirSync(dir).sort((a, b) => (a < b ? -1 : 1))) {
      const file = path.join(dir, entry);
      // a name that is no manifest's is looked at only if it is a directory (or a link to one)
      if (!MANIFEST_FILE.test(entry)) {
        if (isDirectory(file)) walk(file);
        continue;
      }
      if (kindOf(file) === 'directory') walk(file);
      else found.push(file);
    }
  };
  walk(name);
  if (found.length === 0) throw new Error(`${name}: a directory without .yaml, .yml or .json files`);
  return found;
}

/** Whether a path is a directory, its links followed (a dangling link is none). */
function isDirectory(name: string): boolean {
  // Stryker disable BlockStatement: a catch that returns nothing reads as false alike, no directory
  try {
    return fs.statSync(name).isDirectory();
  } catch {
    return false;
  }
  // Stryker restore BlockStatement
}

/**
 * Reads the files, each once (the same file named twice, or through a link, is read the first time), each within
 * MAX_FILE_BYTES and all within MAX_TOTAL_BYTES, checked before anything is read.
 */
export function readManifestFiles(names: readonly string[]): Array<{ name: string; yaml: string }> {
  const seen = new Set<string>();
  const unique = names.filter(n => {
    const real = fs.realpathSync(n);
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
  const total = unique.reduce((sum, n) => sum + fs.statSync(n).size, 0);
  if (total > MAX_TOTAL_BYTES) {
    throw new Error(`the ${unique.length} files given hold ${MiB(total)}; cdk8s-lanes reads at most ${MAX_TOTAL_BYTES / 1024 / 1024} MiB in all`);
  }
  return unique.map(readManifestFile);
}

/** One file, within MAX_FILE_BYTES, as text: invalid UTF-8 is an error naming the document, the line and the column. */
export function readManifestFile(name: string): { name: string; yaml: string } {
  const size = fs.statSync(name).size;
  if (size > MAX_FILE_BYTES) {
    throw new Error(`${name}: ${MiB(size)}; cdk8s-lanes reads files of at most ${MAX_FILE_BYTES / 1024 / 1024} MiB (split it, or give the directory of a cdk8s synth output)`);
  }
  const bytes = fs.readFileSync(name);
  if (!isUtf8(bytes)) {
    const at = firstInvalidUtf8(bytes);
    const before = bytes.subarray(0, at).toString('utf-8');
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    // a byte that starts no UTF-8 sequence is 0x80 or more: two hex digits
    throw new Error(`${name} (document ${documentAt(before, line)}): not valid UTF-8 at line ${line}, column ${column} (byte 0x${bytes[at].toString(16)})`);
  }
  return { name, yaml: bytes.toString('utf-8') };
}

/**
 * The offset of the first byte of no valid UTF-8 sequence (the bytes hold one): decoding writes U+FFFD for it, and
 * the characters before it encode to the same bytes again (a U+FFFD written in the file is no error).
 */
function firstInvalidUtf8(bytes: Buffer): number {
  const text = bytes.toString('utf-8');
  let k = text.indexOf('\uFFFD');
  // Stryker disable next-line ConditionalExpression: the bytes hold an invalid sequence, so a U+FFFD that is none of the file's is found
  while (k >= 0) {
    const at = Buffer.byteLength(text.slice(0, k));
    if (!(bytes[at] === 0xef && bytes[at + 1] === 0xbf && bytes[at + 2] === 0xbd)) return at;
    k = text.indexOf('\uFFFD', k + 1);
  }
  return bytes.length;
}
