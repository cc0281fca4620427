/**
 * The module runtime of a mutation run (`npx projen mutation`): jest's own, except that the third-party libraries in
 * SHARED are loaded once per process, outside the test files' sandboxes, and every test file of the process gets the
 * same instance. Jest loads each test file's modules anew for every mutant; loading valibot, yaml and the others was about
 * 40% of a mutant's run of one test of test/model.test.ts (300 ms, now 185 ms). No mutant changes them.
 *
 * A library shared this way runs with the globals of the process, not those of the test file, so it is shared only if
 * the whole suite passes with it shared. cdk8s is not: it resolves a plain object only if the object's constructor is
 * its own `Object`, and an object made in a test file has the file's `Object`, so a union value such as IntOrString
 * inside it would not be rendered. constructs goes with cdk8s. Outside a mutation run jest's runtime is used.
 */
const Runtime = require('jest-runtime').default;

const SHARED = new Set(['valibot', 'yaml', 'js-yaml', 're2js', 'fast-check']);
const loaded = new Map();

class MutationRuntime extends Runtime {
  requireModuleOrMock(from, moduleName) {
    if (!SHARED.has(moduleName)) return super.requireModuleOrMock(from, moduleName);
    let module = loaded.get(moduleName);
    if (module === undefined) {
      module = require(moduleName);
      loaded.set(moduleName, module);
    }
    return module;
  }
}

module.exports = MutationRuntime;
module.exports.SHARED = SHARED;
