/**
 * The test environment of a mutation run (`npx projen mutation`): Node's, failing fast while a mutant is active.
 * A mutant is killed by its first failing test; the covering tests after it would only add time, so they are
 * skipped: the rest of the file (describe blocks, with their beforeAll, and tests), and the files after it in
 * the same run. The failure is recorded with the mutant's id, and the sequencer (mutation-sequencer.cjs) clears
 * it when the next run starts, so one mutant's failure never skips another's tests. Outside a mutant's run (the
 * dry run that measures coverage, or plain jest) it is Node's environment unchanged.
 *
 * It also hands every test file of the process the same cache of the schema checks (test/schema.ts): the parsed
 * CRD bundles and compiled validators, which depend on the vendored bundles alone, not on the code under test,
 * are then built once per process instead of once per file and mutant.
 */
const { TestEnvironment } = require('jest-environment-node');
const { FAILED, activeMutant, activeMutantFailed } = require('./mutation-shared.cjs');

/** The schema checks' cache (test/schema.ts), shared by every test file of the process. */
const SCHEMA_CACHE = {};

class MutationEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global[Symbol.for('cdk8s-traffic-lanes.test.schema-cache')] = SCHEMA_CACHE;
  }

  async handleTestEvent(event) {
    const mutant = activeMutant();
    if (mutant === undefined) return;
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') globalThis[FAILED] = mutant;
    else if (!activeMutantFailed()) return;
    else if (event.name === 'run_describe_start') event.describeBlock.mode = 'skip';
    else if (event.name === 'test_start') event.test.mode = 'skip';
  }
}

module.exports = MutationEnvironment;
