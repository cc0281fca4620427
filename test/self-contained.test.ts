/**
 * The repository works anywhere: it reads nothing outside its root. Two checks, because neither alone
 * would notice everything: jest runs every test with reads beside the repository refused (test/fs-guard.ts,
 * checked here), and the sources of code that runs outside jest (scripts, the CLI, projen tasks, CI) are
 * scanned for paths that leave the repository.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isOutsideRepository } from './fs-guard';
import { BUNDLES, bundlePath, ROOT } from './repo';

const PARENT = path.dirname(ROOT);

describe('nothing is read from outside the repository', () => {
  test('the guard refuses a read of a folder beside the repository, whether or not it exists', async () => {
    // GIVEN a path in a folder beside the clone
    const beside = path.join(PARENT, 'sibling-folder', 'data.txt');
    // THEN reading it fails with the guard's message, not with ENOENT (unless the clone sits directly in the
    // temporary folder, whose other folders are the tests' scratch folders)
    if (!isOutsideRepository(beside)) {
      expect(path.dirname(ROOT)).toBe(fs.realpathSync(os.tmpdir()));
      expect(() => fs.readFileSync(beside, 'utf-8')).toThrow(/ENOENT/);
      return;
    }
    expect(() => fs.readFileSync(beside, 'utf-8')).toThrow(/^fs-guard: readFileSync\(.*\) reads outside the repository/);
    expect(() => fs.readdirSync(path.join(PARENT, 'sibling-folder'))).toThrow(/^fs-guard: readdirSync/);
    expect(() => fs.createReadStream(beside)).toThrow(/^fs-guard: createReadStream/);
    expect(() => fs.openSync(beside, 'r')).toThrow(/^fs-guard: openSync/);
    await expect(fs.promises.readFile(beside)).rejects.toThrow(/^fs-guard: readFile/);
  });

  test('the guard lets the repository and the temporary folder be read', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-'));
    try {
      fs.writeFileSync(path.join(tmp, 'x'), 'y');
      expect(fs.readFileSync(path.join(tmp, 'x'), 'utf-8')).toBe('y');
      expect(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8')).toContain('"name": "cdk8s-traffic-lanes"');
      expect(isOutsideRepository(path.join(ROOT, 'crds'))).toBe(false);
      expect(isOutsideRepository(3)).toBe(false); // a file descriptor
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test.each([
    // a clone in a projects folder: every sibling is refused
    ['/src/lanes', '/src/reference/crds/a.yaml', true],
    ['/src/lanes', '/src/other-clone/x', true],
    ['/src/lanes', '/src', true],
    ['/src/lanes', '/src/lanes/crds/a.yaml', false],
    ['/src/lanes', '/tmp/imports-1/a.ts', false],
    ['/src/lanes', '/usr/lib/node/x.js', false],
    // a clone inside the temporary folder: its siblings are refused, the tests' scratch folders are not
    ['/tmp/ci/lanes', '/tmp/ci/reference/seeds/s.txt', true],
    ['/tmp/ci/lanes', '/tmp/ci/other/x', true],
    ['/tmp/ci/lanes', '/tmp/jest_0/cache', false],
    // a clone directly in the temporary folder: the folders beside it are scratch folders
    ['/tmp/lanes', '/tmp/scratch-1/x', false],
  ])('with the repository at %s, reading %s is refused: %s', (root, target, refused) => {
    expect(isOutsideRepository(target, root, ['/tmp'])).toBe(refused);
  });

  /** Every file of the folders and root files whose code runs (in jest or outside it), except this file and the guard. */
  function sources(): string[] {
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (/\.(ts|js|json|ya?ml|sh)$/.test(entry.name) || dir.endsWith('.ci')) out.push(p);
      }
    };
    for (const dir of ['src', 'test', 'scripts', 'examples', 'projenrc', '.ci', '.projen']) walk(path.join(ROOT, dir));
    for (const file of ['.projenrc.ts', 'cdk8s.yaml', 'package.json']) out.push(path.join(ROOT, file));
    const exempt = [__filename, path.join(__dirname, 'fs-guard.ts')];
    // recorded outputs and the mutation records (copies of the sources Stryker compares) are data, not code
    return out.filter(f => !exempt.includes(f) && !f.includes(`${path.sep}__snapshots__${path.sep}`) && !f.startsWith(path.join(ROOT, 'test', 'mutation') + path.sep));
  }

  /** What in `text` (the content of `file`) reads beside the repository. */
  function offences(file: string, text: string): string[] {
    const rel = path.relative(ROOT, file);
    const found: string[] = [];
    for (const m of text.matchAll(/path\.(?:join|resolve)\(\s*__dirname((?:\s*,\s*'[^']*')*)\s*\)/g)) {
      const segments = [...m[1].matchAll(/'([^']*)'/g)].map(x => x[1]);
      const target = path.resolve(path.dirname(file), ...segments);
      if (target !== ROOT && !target.startsWith(ROOT + path.sep)) found.push(`${rel}: ${m[0]} leaves the repository`);
    }
    // relative paths written out: from the root for what runs there (projen tasks, CI, npm scripts), from the
    // files .projenrc.ts generates into subfolders for its strings (its outputs are scanned too), else from the file
    const runAtRoot = ['.projen/tasks.json', '.ci/run', 'package.json'].includes(rel.split(path.sep).join('/'));
    const from = runAtRoot ? ROOT : rel === '.projenrc.ts' ? path.join(ROOT, 'generated') : path.dirname(file);
    for (const m of text.matchAll(/['"`](\.\.\/[^'"`\s]*)['"`]/g)) {
      const target = path.resolve(from, m[1]);
      if (target !== ROOT && !target.startsWith(ROOT + path.sep)) found.push(`${rel}: '${m[1]}' leaves the repository`);
    }
    return found;
  }

  test('the scan flags reads beside the repository and nothing else', () => {
    const file = path.join(ROOT, 'test', 'x.ts');
    const q = (...segments: string[]) => segments.map(x => `'${x}'`).join(', ');
    expect(offences(file, `path.resolve(__dirname, ${q('..', '..', 'reference')})`)).toHaveLength(1);
    expect(offences(file, `path.join(__dirname, ${q('..', '..', 'elsewhere', 'crds')})`)).toEqual([
      `test/x.ts: path.join(__dirname, ${q('..', '..', 'elsewhere', 'crds')}) leaves the repository`,
    ]);
    expect(offences(path.join(ROOT, '.ci', 'run'), 'cp "../reference/crds" crds')).toEqual(['.ci/run: \'../reference/crds\' leaves the repository']);
    expect(offences(file, 'fs.readFileSync(\'../../reference/seeds/a.txt\')')).toHaveLength(1);
    expect(offences(file, `path.join(__dirname, ${q('..', 'crds', 'istio')}); import { x } from '../src/index'; // code shared by the tests`)).toEqual([]);
  });

  test('the mutation records name no folder of the machine they were made on', () => {
    const dir = path.join(ROOT, 'test', 'mutation');
    const records = fs.existsSync(dir) ? fs.readdirSync(dir).filter(f => f.endsWith('.json')) : [];
    for (const f of records) {
      const text = fs.readFileSync(path.join(dir, f), 'utf-8');
      // the folder with its separator: its name alone may begin a word of the sources ("/work" in "/workloads")
      expect({ file: f, machinePath: text.includes(path.dirname(ROOT) + path.sep) }).toEqual({ file: f, machinePath: false });
    }
  });

  test('no source names the folder beside the repository or a path that leaves it', () => {
    const files = sources();
    expect(files.flatMap(f => offences(f, fs.readFileSync(f, 'utf-8')))).toEqual([]);
    // the scan covers the code that runs outside jest
    expect(files.map(f => path.relative(ROOT, f))).toEqual(
      expect.arrayContaining(['scripts/import-crds.ts', 'src/cli/main.ts', '.projenrc.ts', '.ci/run', 'test/helpers.ts', '.projen/tasks.json']));
  });
});

describe('vendored CRD bundles', () => {
  test.each(Object.keys(BUNDLES))('crds/%s holds the bundle, its LICENSE and a NOTICE of source, tag and file that matches it', (folder) => {
    const dir = path.join(ROOT, 'crds', folder);
    expect(fs.readdirSync(dir).sort()).toEqual([BUNDLES[folder], 'LICENSE', 'NOTICE'].sort());
    expect(fs.readFileSync(path.join(dir, 'LICENSE'), 'utf-8')).toMatch(/Apache License\s+Version 2\.0/);
    const notice = fs.readFileSync(path.join(dir, 'NOTICE'), 'utf-8');
    expect(notice.startsWith(`${BUNDLES[folder]}: `)).toBe(true);
    expect(notice).toMatch(/^Source repository: https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/m);
    expect(notice).toMatch(/^(Tag|Branch): +\S+$/m);
    expect(notice).toMatch(/^Files?: +\S+/m);
    // the recorded checksum is the bundle's: an edit to a vendored file shows up here
    const sha = /^SHA-256: +([0-9a-f]{64})$/m.exec(notice)?.[1];
    const actual = createHash('sha256').update(fs.readFileSync(bundlePath(folder))).digest('hex');
    expect(actual).toBe(sha);
  });

  test('the NOTICEs name the versions the docs promise', () => {
    const notice = (folder: string) => fs.readFileSync(path.join(ROOT, 'crds', folder, 'NOTICE'), 'utf-8');
    expect(notice('istio')).toMatch(/istio\/api\nTag: +1\.30\.3\n/);
    expect(notice('asm')).toMatch(/alibabacloud-servicemesh-api\nBranch: +release-1\.21\.0\n/);
  });
});
