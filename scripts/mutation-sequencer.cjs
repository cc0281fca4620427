/**
 * The test sequencer of a mutation run (`npx projen mutation`). For each mutant, Stryker runs the test files
 * related to the mutated file, with a name pattern that selects the tests covering the mutant. Jest would still
 * load every related file, and for code that every file imports (the model) that is most of a mutant's time.
 * This sequencer keeps only the files that hold a test the pattern selects, read from the list of tests per
 * file that the mutation script collects before the run (`LANES_MUTATION_TESTS`). Without that list, without
 * a pattern, or when no file would be left, it keeps every file. It runs first the files that killed most of the
 * mutated file's mutants in the group's last run, then the others in the list's order, the group's own
 * (scripts/mutation.ts), from the unit tests of the code to the broad and slow tests. It also marks the start of a
 * run for the environment's fail-fast.
 */
const fs = require('fs');
const path = require('path');
const Sequencer = require('@jest/test-sequencer').default;
const { FAILED } = require('./mutation-shared.cjs');

const lists = new Map();
/** The JSON file the environment variable `name` names, read once per process; `none` without it. */
function listOnce(name, none) {
  if (!lists.has(name)) {
    const file = process.env[name];
    lists.set(name, file && fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf-8')) : none);
  }
  return lists.get(name);
}

/** The group's tests per test file, in the group's order (LANES_MUTATION_TESTS); null without it. */
const collected = () => listOnce('LANES_MUTATION_TESTS', null);

/**
 * Per source file, the test files that killed its mutants in the group's last run, those that killed most first
 * (LANES_MUTATION_ORDER, written by the mutation script); {} without it.
 */
const killers = () => listOnce('LANES_MUTATION_ORDER', {});

class MutationSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.globalConfig = options && options.globalConfig;
  }

  sort(tests) {
    globalThis[FAILED] = undefined; // a new run: the last mutant's failure skips nothing of this one's
    const pattern = this.globalConfig && this.globalConfig.testNamePattern;
    const byFile = collected();
    if (!pattern || !byFile) return super.sort(tests); // the dry run, or plain jest
    const selects = new RegExp(pattern, 'i');
    const kept = tests.filter(test => {
      const names = byFile[path.relative(test.context.config.rootDir, test.path).split(path.sep).join('/')];
      return names === undefined || names.some(name => selects.test(name));
    });
    // in the list's order, which is the group's (the unit tests of its code first, the broad and slow ones last):
    // a mutant is most often killed by the unit tests of its code, and the runner (mutation-runner.cjs) stops at
    // the first file after a failure; files the list does not hold last, smallest first
    // first, the files that killed most of the mutated file's mutants in the group's last run (Stryker names the
    // mutated file as the one whose related tests jest runs): the order that suits one source file does not suit another
    const root = tests.length ? tests[0].context.config.rootDir : '';
    const mutated = (this.globalConfig.nonFlagArgs ?? []).map(file => path.relative(root, path.resolve(root, file)).split(path.sep).join('/'));
    const first = mutated.length === 1 ? killers()[mutated[0]] ?? [] : [];
    const order = [...first, ...Object.keys(byFile).filter(f => !first.includes(f))];
    const rank = test => {
      const at = order.indexOf(path.relative(test.context.config.rootDir, test.path).split(path.sep).join('/'));
      return at < 0 ? [1, fs.statSync(test.path).size] : [0, at];
    };
    return (kept.length ? kept : tests).map(test => [rank(test), test]).sort(([a], [b]) => a[0] - b[0] || a[1] - b[1]).map(([, test]) => test);
  }
}

module.exports = MutationSequencer;
