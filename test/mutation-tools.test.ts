/**
 * The pieces that make a mutation run fast (scripts/mutation-*.cjs): they choose which tests run for a mutant,
 * so a mistake in them would make mutants survive that a test kills. Each is checked against what it must keep.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/* eslint-disable @typescript-eslint/no-require-imports */
const MutationEnvironment = require('../scripts/mutation-environment.cjs');
const MutationRunner = require('../scripts/mutation-runner.cjs');
const MutationRuntime = require('../scripts/mutation-runtime.cjs');
const MutationSequencer = require('../scripts/mutation-sequencer.cjs');
const { FAILED, ACTIVE_MUTANT: ACTIVE } = require('../scripts/mutation-shared.cjs');
/* eslint-enable @typescript-eslint/no-require-imports */

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutation-tools-'));
  fs.mkdirSync(path.join(dir, 'test'));
  fs.writeFileSync(path.join(dir, 'test', 'big.test.ts'), 'x'.repeat(300));
  fs.writeFileSync(path.join(dir, 'test', 'small.test.ts'), 'x');
  fs.writeFileSync(path.join(dir, 'test', 'other.test.ts'), 'x'.repeat(100));
  fs.writeFileSync(path.join(dir, 'tests.json'), JSON.stringify({
    'test/big.test.ts': ['model renders a (weight)', 'model renders b'],
    'test/small.test.ts': ['unit keeps c'],
    'test/other.test.ts': ['other thing'],
  }));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  delete (globalThis as any)[FAILED];
});

describe('the sequencer', () => {
  const names = ['big', 'small', 'other', 'new'];
  const sorted = (pattern: string | undefined, among = names, mutated?: string) => {
    const files = among.map(name => ({ path: path.join(dir, 'test', `${name}.test.ts`), context: { config: { rootDir: dir, cacheDirectory: dir, id: 'lanes' }, hasteFS: { getSize: (p: string) => fs.statSync(p).size } } }));
    process.env.LANES_MUTATION_TESTS = path.join(dir, 'tests.json');
    fs.writeFileSync(path.join(dir, 'test', 'new.test.ts'), 'x'.repeat(50));
    const nonFlagArgs = mutated === undefined ? [] : [path.join(dir, mutated)];
    const sequencer = new MutationSequencer({ contexts: [], globalConfig: { testNamePattern: pattern, nonFlagArgs } });
    return (sequencer.sort(files) as typeof files).map(f => path.basename(f.path, '.test.ts'));
  };

  test('keeps the files that hold a test the pattern selects (as jest matches it: a regex, case-insensitive), in the list\'s order, and files it has no list for, last', () => {
    expect(sorted('(model renders a \\(weight\\))')).toEqual(['big', 'new']);
    expect(sorted('(UNIT keeps c)|(other thing)')).toEqual(['small', 'other', 'new']);
    expect(sorted('(UNIT keeps c)|(other thing)|(model renders b)', ['other', 'small', 'big'])).toEqual(['big', 'small', 'other']);
  });

  test('files it has no list for go last, smallest first', () => {
    fs.writeFileSync(path.join(dir, 'test', 'tiny.test.ts'), 'x'.repeat(10));
    try {
      expect(sorted('(other thing)', ['new', 'other', 'tiny'])).toEqual(['other', 'tiny', 'new']);
    } finally {
      fs.rmSync(path.join(dir, 'test', 'tiny.test.ts'));
    }
  });

  test('keeps every file when the pattern selects none of them', () => {
    expect(sorted('(nothing)', names.slice(0, 3)).sort()).toEqual(['big', 'other', 'small']);
  });

  test('for a mutant of a source file, the files that killed most of its mutants in the last run come first', () => {
    fs.writeFileSync(path.join(dir, 'order.json'), JSON.stringify({ 'src/a.ts': ['test/other.test.ts', 'test/gone.test.ts', 'test/small.test.ts'] }));
    process.env.LANES_MUTATION_ORDER = path.join(dir, 'order.json');
    try {
      const all = '(model renders b)|(UNIT keeps c)|(other thing)';
      expect(sorted(all, names, 'src/a.ts')).toEqual(['other', 'small', 'big', 'new']);
      // another source file, or none named: the list's order
      expect(sorted(all, names, 'src/b.ts')).toEqual(['big', 'small', 'other', 'new']);
      expect(sorted(all, names)).toEqual(['big', 'small', 'other', 'new']);
    } finally {
      delete process.env.LANES_MUTATION_ORDER;
    }
  });

  test('the dry run (no pattern) runs every file, and a new run clears the last mutant\'s failure', () => {
    (globalThis as any)[FAILED] = '7';
    expect(sorted(undefined).sort()).toEqual(['big', 'new', 'other', 'small']);
    expect((globalThis as any)[FAILED]).toBeUndefined();
  });
});

describe('the environment and the runner', () => {
  const environment = () => Object.create(MutationEnvironment.prototype);
  afterEach(() => {
    delete process.env[ACTIVE];
    delete (globalThis as any)[FAILED];
  });

  test('after a failing test of the active mutant, the tests and describe blocks that follow are skipped', async () => {
    process.env[ACTIVE] = '3';
    const env = environment();
    const before = { name: 'test_start', test: { mode: undefined } };
    await env.handleTestEvent(before);
    expect(before.test.mode).toBeUndefined();
    await env.handleTestEvent({ name: 'test_fn_failure' });
    const test = { name: 'test_start', test: { mode: undefined } };
    const block = { name: 'run_describe_start', describeBlock: { mode: undefined } };
    await env.handleTestEvent(test);
    await env.handleTestEvent(block);
    expect([test.test.mode, block.describeBlock.mode]).toEqual(['skip', 'skip']);
  });

  test('a failing hook counts as a failure; another mutant\'s failure skips nothing; without a mutant nothing is skipped', async () => {
    process.env[ACTIVE] = '4';
    await environment().handleTestEvent({ name: 'hook_failure' });
    expect((globalThis as any)[FAILED]).toBe('4');
    process.env[ACTIVE] = '5';
    const test = { name: 'test_start', test: { mode: undefined } };
    await environment().handleTestEvent(test);
    expect(test.test.mode).toBeUndefined();
    delete process.env[ACTIVE];
    await environment().handleTestEvent({ name: 'test_fn_failure' });
    await environment().handleTestEvent(test);
    expect(test.test.mode).toBeUndefined();
  });

  test('every test file\'s global gets the same schema cache, filled by the first file\'s checks and reused by the next', () => {
    const key = Symbol.for('cdk8s-traffic-lanes.test.schema-cache');
    const make = () => new MutationEnvironment({ globalConfig: {}, projectConfig: { testEnvironmentOptions: {}, globals: {} } }, { console, docblockPragmas: {}, testPath: 'x.test.ts' });
    const [a, b] = [make(), make()];
    expect(a.global).not.toBe(b.global);
    expect(a.global[key]).toBe(b.global[key]);
    // test/schema.ts, loaded anew as for each test file, with the shared object as its global cache
    const vs = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'v', namespace: 'n' }, spec: { hosts: ['h'] } };
    const shared: any = {};
    (globalThis as any)[key] = shared;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      jest.isolateModules(() => require('./schema').assertConforms(vs));
      expect([...shared.validators.keys()]).toEqual(['networking.istio.io/v1/VirtualService']);
      // the next file's load uses the validator in the cache (here one that refuses everything) instead of building one
      const refuse = Object.assign(() => false, { errors: [{ instancePath: '/spec', message: 'refused by the cached validator' }] });
      shared.validators.set('networking.istio.io/v1/VirtualService', refuse);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      jest.isolateModules(() => expect(() => require('./schema').assertConforms(vs)).toThrow('/spec refused by the cached validator'));
      // the CEL evaluator and the function that converts values for it come from the same file: a file's maps are
      // maps to an evaluator loaded by that file only (each test file has its own globals)
      const [cel, holds] = [shared.cel, shared.holds];
      expect(typeof cel.plan).toBe('function');
      expect(typeof holds).toBe('function');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      jest.isolateModules(() => expect(require('./schema').celHolds("self.a == 'b'", { a: 'b' })).toBe(true));
      expect(shared.cel).toBe(cel);
      expect(shared.holds).toBe(holds);
    } finally {
      delete (globalThis as any)[key];
    }
  });

  test('the runner runs file after file, stops at the first file after the active mutant failed, and records the time of each', async () => {
    const ran: string[] = [];
    const runner = Object.create(MutationRunner.prototype);
    const parent = Object.getPrototypeOf(MutationRunner.prototype);
    const spy = jest.spyOn(parent, 'runTests').mockImplementation(async (...args: any[]) => {
      const tests = args[0] as { path: string }[];
      ran.push(tests.map(t => t.path).join('+'));
      if (tests[0].path.endsWith('/b.test.ts')) (globalThis as any)[FAILED] = process.env[ACTIVE];
    });
    try {
      const tests = ['a', 'b', 'c'].map(p => ({ path: `/r/test/${p}.test.ts` }));
      process.env[ACTIVE] = '9';
      process.env.LANES_MUTATION_TIMES = path.join(dir, 'times.jsonl');
      await runner.runTests(tests, {}, { serial: true });
      delete process.env.LANES_MUTATION_TIMES;
      expect(ran).toEqual(['/r/test/a.test.ts', '/r/test/b.test.ts']);
      const [line, ...more] = fs.readFileSync(path.join(dir, 'times.jsonl'), 'utf-8').split('\n');
      expect(more).toEqual(['']);
      const record = JSON.parse(line);
      expect(record).toEqual({ mutant: '9', files: [['a.test.ts', expect.any(Number)], ['b.test.ts', expect.any(Number)]] });
      expect(record.files.every(([, ms]: [string, number]) => ms >= 0 && ms < 10_000)).toBe(true);
      ran.length = 0;
      (globalThis as any)[FAILED] = undefined;
      await runner.runTests(tests, {}, { serial: false });
      delete process.env[ACTIVE];
      await runner.runTests(tests, {}, { serial: true });
      expect(ran).toEqual(Array(2).fill(tests.map(t => t.path).join('+')));
      expect(fs.readFileSync(path.join(dir, 'times.jsonl'), 'utf-8').split('\n')).toHaveLength(2); // only mutants' runs are timed
    } finally {
      spy.mockRestore();
    }
  });

  test('the runtime gives every test file the same instance of a shared library, loaded once, and leaves the rest to jest', () => {
    const parent = Object.getPrototypeOf(MutationRuntime.prototype);
    const spy = jest.spyOn(parent, 'requireModuleOrMock').mockImplementation((...args: any[]) => ({ fresh: args[1] }));
    try {
      const [a, b] = [Object.create(MutationRuntime.prototype), Object.create(MutationRuntime.prototype)];
      const valibot = a.requireModuleOrMock('/r/test/x.test.ts', 'valibot');
      expect(typeof valibot.strictObject).toBe('function');
      expect(b.requireModuleOrMock('/r/src/y.ts', 'valibot')).toBe(valibot);
      expect(spy).not.toHaveBeenCalled();
      // cdk8s resolves only objects made with its own Object: it must be loaded in the test file's sandbox
      for (const name of ['cdk8s', 'constructs', '../src', 'fs']) expect(a.requireModuleOrMock('/r/test/x.test.ts', name)).toEqual({ fresh: name });
      expect(spy).toHaveBeenCalledTimes(4);
      expect([...MutationRuntime.SHARED].sort()).toEqual(['fast-check', 'js-yaml', 're2js', 'valibot', 'yaml']);
    } finally {
      spy.mockRestore();
    }
  });
});
