/**
 * Jest setup (every test file): refuses reads of files outside the repository, so that a test, a helper
 * or library code that reads a folder beside the clone fails here instead of passing only where that folder
 * happens to exist. Reads under the system's
 * temporary folder stay allowed (tests write scratch files there). test/self-contained.test.ts checks
 * the guard, and scans the sources for such reads in code that runs outside jest (scripts, the CLI).
 */
// the module object itself (an `import * as` copy has read-only getters), so that every importer sees the guarded functions
// eslint-disable-next-line @typescript-eslint/no-require-imports
import fs = require('fs');
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const TMP = fs.realpathSync(os.tmpdir());

/**
 * True for a path beside the repository `root`: inside its parent folder but outside the repository. The
 * temporary folder `tmp` stays readable (the tests' scratch folders), unless the repository's parent lies
 * inside it: then a path in the parent is a sibling of the clone, not a scratch folder.
 */
export function isOutsideRepository(target: unknown, root: string = ROOT, tmp: readonly string[] = [TMP, os.tmpdir()]): boolean {
  if (typeof target !== 'string' && !(target instanceof URL) && !Buffer.isBuffer(target)) return false; // file descriptors
  const p = path.resolve(target instanceof URL ? target.pathname : target.toString());
  const within = (dir: string, q: string) => q === dir || q.startsWith(dir + path.sep);
  const parent = path.dirname(root);
  if (within(root, p) || !within(parent, p)) return false;
  return !tmp.some(t => within(t, p) && !(parent !== t && within(t, parent)));
}

const GUARDED = ['readFileSync', 'readFile', 'readdirSync', 'readdir', 'openSync', 'open', 'createReadStream', 'opendirSync'] as const;
const marker = Symbol.for('cdk8s-traffic-lanes.fs-guard');

if (!(fs as any)[marker]) {
  (fs as any)[marker] = true;
  for (const name of GUARDED) {
    const original = (fs as any)[name];
    (fs as any)[name] = function guarded(this: unknown, target: unknown, ...rest: unknown[]) {
      if (isOutsideRepository(target)) {
        throw new Error(`fs-guard: ${name}(${String(target)}) reads outside the repository (${ROOT}); vendor what the project needs inside it`);
      }
      return original.call(this, target, ...rest);
    };
  }
  const promises = fs.promises as any;
  const readFile = promises.readFile;
  promises.readFile = function guarded(target: unknown, ...rest: unknown[]) {
    if (isOutsideRepository(target)) {
      return Promise.reject(new Error(`fs-guard: readFile(${String(target)}) reads outside the repository (${ROOT}); vendor what the project needs inside it`));
    }
    return readFile.call(this, target, ...rest);
  };
}
