/**
 * What the mutation run's jest plugins (mutation-sequencer.cjs, mutation-environment.cjs, mutation-runner.cjs)
 * share: the variable in which Stryker names the active mutant, and the mark of a failed test of that mutant.
 */

/** Stryker's environment variable: the id of the mutant a run tests (unset in the dry run and in plain jest). */
const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';

/** Where the environment marks a failed test, with the mutant's id; the sequencer clears it when a run starts. */
const FAILED = Symbol.for('cdk8s-traffic-lanes.mutation.failed');

/** The id of the active mutant, or undefined outside a mutant's run. */
function activeMutant() {
  return process.env[ACTIVE_MUTANT] || undefined;
}

/** True when a test of the active mutant has failed in this run. */
function activeMutantFailed() {
  const mutant = activeMutant();
  return mutant !== undefined && globalThis[FAILED] === mutant;
}

module.exports = { ACTIVE_MUTANT, FAILED, activeMutant, activeMutantFailed };
