/**
 * The module runtime of a mutation run (`npx projen mutation`): jest's own, except that the third-party libraries
 * below are loaded once per process, outside the test files' sandboxes, and every test file of the process gets
 * the same instance. Jest loads each test file's modules anew for every mutant; these libraries were most of that
 * time, and no mutant changes them.
 */
const Runtime = require('jest-runtime').default;

const SHARED = new Set(['zod', 'yaml', 'js-yaml', 're2js', 'fast-check']);
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
