/**
 * The test runner of a mutation run (`npx projen mutation`): jest's own, running the files one at a time (as
 * Stryker runs jest in band) and stopping at the first file after a test of the active mutant failed. The
 * mutant is killed by then; the files left would only be loaded for their tests to be skipped
 * (mutation-environment.cjs). Files not run give no result, which is not a failure. Outside a mutant's run it
 * is jest's runner unchanged.
 */
const TestRunner = require('jest-runner').default;
const { activeMutant, activeMutantFailed } = require('./mutation-shared.cjs');

class MutationRunner extends TestRunner {
  async runTests(tests, watcher, options) {
    if (activeMutant() === undefined || !options.serial) return super.runTests(tests, watcher, options);
    for (const test of tests) {
      if (activeMutantFailed()) break;
      await super.runTests([test], watcher, options);
    }
  }
}

module.exports = MutationRunner;
