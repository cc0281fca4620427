/**
 * The test runner of a mutation run (`npx projen mutation`): jest's own, running the files one at a time (as
 * Stryker runs jest in band) and stopping at the first file after a test of the active mutant failed. The
 * mutant is killed by then; the files left would only be loaded for their tests to be skipped
 * (mutation-environment.cjs). Files not run give no result, which is not a failure. Outside a mutant's run it
 * is jest's runner unchanged.
 *
 * With LANES_MUTATION_TIMES set (the mutation script sets it), it appends one line of JSON per mutant to that
 * file: the mutant's id and, per test file it ran, the file and the milliseconds it took (`--times GROUP` sums
 * them up by source file and test file).
 */
const fs = require('fs');
const path = require('path');
const TestRunner = require('jest-runner').default;
const { activeMutant, activeMutantFailed } = require('./mutation-shared.cjs');

class MutationRunner extends TestRunner {
  async runTests(tests, watcher, options) {
    if (activeMutant() === undefined || !options.serial) return super.runTests(tests, watcher, options);
    const files = [];
    for (const test of tests) {
      if (activeMutantFailed()) break;
      const started = Date.now();
      await super.runTests([test], watcher, options);
      files.push([path.basename(test.path), Date.now() - started]);
    }
    const times = process.env.LANES_MUTATION_TIMES;
    if (times) fs.appendFileSync(times, `${JSON.stringify({ mutant: activeMutant(), files })}\n`);
  }
}

module.exports = MutationRunner;
