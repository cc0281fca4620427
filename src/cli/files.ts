/**
 * Reading the manifest files the commands are given: files, or every manifest under a directory, within
 * bounds on size.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Largest file read; memory stays bounded whatever is given (a parsed document takes several times its size). */
const MAX_FILE_BYTES = 16 * 1024 * 1024;
/** What `cdk8s-lanes` reads in a directory (recursively), as `kubectl apply -f DIR -R` does. */
const MANIFEST_FILE = /\.(ya?ml|json)$/;

/** The manifest files a path names: the file itself, or every .yaml, .yml and .json file under a directory. */
export function manifestFiles(name: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(name);
  } catch {
    throw new Error(`${name}: no such file or directory`);
  }
  if (stat.isDirectory()) {
    const found: string[] = [];
    const walk = (dir: string) => {
      // Stryker disable next-line EqualityOperator: the names in one directory differ, so < and <= agree
      for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (entry.isFile() && MANIFEST_FILE.test(entry.name)) found.push(file);
      }
    };
    walk(name);
    if (found.length === 0) throw new Error(`${name}: a directory without .yaml, .yml or .json files`);
    return found;
  }
  if (!stat.isFile()) throw new Error(`${name}: not a regular file`);
  return [name];
}

/** Most bytes read in all: memory stays bounded whatever directories are given. */
const MAX_TOTAL_BYTES = 64 * 1024 * 1024;

/** Reads the files, each within MAX_FILE_BYTES and all within MAX_TOTAL_BYTES, checked before anything is read. */
export function readManifestFiles(names: readonly string[]): Array<{ name: string; yaml: string }> {
  const total = names.reduce((sum, n) => sum + fs.statSync(n).size, 0);
  if (total > MAX_TOTAL_BYTES) {
    throw new Error(`the ${names.length} files given hold ${(total / 1024 / 1024).toFixed(1)} MiB; cdk8s-lanes reads at most ${MAX_TOTAL_BYTES / 1024 / 1024} MiB in all`);
  }
  return names.map(readManifestFile);
}

export function readManifestFile(name: string): { name: string; yaml: string } {
  const size = fs.statSync(name).size;
  if (size > MAX_FILE_BYTES) {
    throw new Error(`${name}: ${(size / 1024 / 1024).toFixed(1)} MiB; cdk8s-lanes reads files of at most ${MAX_FILE_BYTES / 1024 / 1024} MiB (split it, or give the directory of a cdk8s synth output)`);
  }
  return { name, yaml: fs.readFileSync(name, 'utf-8') };
}

