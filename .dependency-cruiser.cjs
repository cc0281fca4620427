/**
 * The house rules of the source tree (docs/architecture.md), checked by dependency-cruiser in every build
 * (`npx projen deps:check`, part of `npx projen test`). Type-only imports count: a cycle through
 * `import type` is still a cycle for a reader. The paths are matched anywhere (`(^|/)src/`), so that the
 * test of these rules can run them on a small tree of its own (test/fixtures/house/).
 */
const SRC = '(^|/)src/';
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules import each other in a circle (type-only imports included): move the shared part down.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'private-below-constructs',
      severity: 'error',
      comment: 'Private code (model, render, validation, simulation, analysis, diagrams) never imports the constructs, the simulator or the CLI: they are built on it.',
      from: { path: `${SRC}private/` },
      to: { path: `${SRC}(lane-routing|lane-group|lane-simulator)[.]ts$|${SRC}cli/` },
    },
    {
      name: 'nothing-imports-the-cli',
      severity: 'error',
      comment: 'The CLI is the top of the tree: only its own modules import it.',
      from: { pathNot: `${SRC}cli/` },
      to: { path: `${SRC}cli/` },
    },
    {
      name: 'result-types-are-leaves',
      severity: 'error',
      comment: 'The public result and option types (simulation, diff, diagram) hold types only and import no private code, so private code may use them without a circle.',
      from: { path: `${SRC}(simulation|diff|diagram)[.]ts$` },
      to: { path: `${SRC}private/` },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.dev.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)imports/' },
  },
};
