import { cdk8s, github, javascript, YamlFile } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-traffic-lanes',
  description:
    'cdk8s constructs that turn traffic-lane definitions into Istio / Alibaba Cloud ASM VirtualServices and DestinationRules',
  keywords: ['cdk8s', 'istio', 'asm', 'service-mesh', 'traffic-lanes', 'swimlane', 'virtualservice', 'canary'],
  // one set of project addresses, used everywhere (package.json, the jsii assembly, the docs)
  author: 'cdk8s-traffic-lanes maintainers',
  authorAddress: 'https://github.com/cdk8s-traffic-lanes',
  authorOrganization: true,
  repositoryUrl: 'https://github.com/cdk8s-traffic-lanes/cdk8s-traffic-lanes',
  homepage: 'https://github.com/cdk8s-traffic-lanes/cdk8s-traffic-lanes',
  bugsUrl: 'https://github.com/cdk8s-traffic-lanes/cdk8s-traffic-lanes/issues',
  stability: 'experimental',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  // The lowest Node.js the package supports (`engines`), tested by the build workflow's node-versions job: jsii,
  // which builds it, needs 20.16; re2js needs 20. Builds and releases run on the current LTS (workflowNodeVersion).
  minNodeVersion: '20.16.0',
  workflowNodeVersion: 'lts/*',

  cdk8sVersion: '2.70.106',
  constructsVersion: '10.8.1',
  jsiiVersion: '~6.0.0',

  // Releases: semantic versions from conventional commits, a changelog, projen's build and release
  // workflows, npm and the jsii languages (each packaged and published by its own job of the release workflow).
  github: true,
  release: true,
  releaseToNpm: true,
  majorVersion: 0,
  publishToPypi: { distName: 'cdk8s-traffic-lanes', module: 'cdk8s_traffic_lanes' },
  publishToMaven: { javaPackage: 'io.github.cdk8strafficlanes', mavenGroupId: 'io.github.cdk8s-traffic-lanes', mavenArtifactId: 'cdk8s-traffic-lanes' },
  publishToNuget: { dotNetNamespace: 'Cdk8sTrafficLanes', packageId: 'Cdk8sTrafficLanes' },
  publishToGo: { moduleName: 'github.com/cdk8s-traffic-lanes/cdk8s-traffic-lanes-go', packageName: 'cdk8strafficlanes' },

  // Things that do not apply to this repository.
  depsUpgrade: false,
  githubOptions: { mergify: false },
  pullRequestTemplate: false,
  vscode: false,

  // RE2 semantics (Envoy's regex engine) for validating and evaluating regex matches; bundled, as jsii requires.
  // js-yaml reads manifests for the simulation, the checks and the cdk8s-lanes CLI (strict and fast: yaml.ts).
  // fastest-levenshtein: "did you mean" for a mistyped command or flag of the CLI.
  bundledDeps: ['@viz-js/viz@^3.31.0', 're2js@^2.10.0', 'js-yaml@^4.3.2', 'valibot@^1.5.0', 'fastest-levenshtein@^1.0.16'],
  devDeps: [
    'cdk8s-cli@~2.207.60',
    'ajv@^8.17.1',
    '@bufbuild/cel@^0.6.1',
    'dependency-cruiser@^17.3.9',
    '@stryker-mutator/core@~9.6.1',
    '@stryker-mutator/jest-runner@~9.6.1',
    // the jest plugins of a mutation run (scripts/mutation-*.cjs), at jest's version
    'jest-environment-node@^30.5.2',
    'jest-runner@^30.5.2',
    '@jest/test-sequencer@^30.5.2',
    'fast-check@^4.3.0',
    // the types of js-yaml (bundled; 4.x ships none)
    '@types/js-yaml@^4.0.9',
    // the CRD import script (scripts/import-crds.ts) and tests that write YAML
    'yaml@^2.8.0',
    // reads the fonts whose metrics scripts/font-metrics.ts vendors for the diagram tests
    'opentype.js@^2.0.0',
    // a cdk8s-plus Deployment as a lane's baseline workload (test/workloads.test.ts)
    'cdk8s-plus-33@^2.5.57',
    '@types/opentype.js@^1.3.10',
  ],

  // Generated Istio classes live in a top-level imports/ folder (see README "Regenerating imports").
  tsconfig: {
    include: ['imports/**/*.ts'],
    // no source maps in the package: inline, they were more than half of lib/ (the tarball and node_modules limits:
    // test/package.test.ts)
    compilerOptions: { rootDir: '.', inlineSourceMap: false, inlineSources: false },
  },
  entrypoint: 'lib/src/index.js',

  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'scripts'],
    ignorePatterns: ['imports/', '*.js', '*.d.ts', 'node_modules/', 'lib/', 'coverage/', 'cdk8s.out/'],
  },
  // type-checking of tests, examples and scripts: see the test task below
  typecheckTests: false,
  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      coveragePathIgnorePatterns: ['/node_modules/', '/imports/'],
      // jest's default (cores - 1) leaves one of the two cores of these machines idle
      maxWorkers: 2,
      // every test runs with reads outside the repository refused (see test/fs-guard.ts)
      setupFiles: ['<rootDir>/test/fs-guard.ts'],
      // a mutation run's sandbox copies the project under .stryker-tmp/: not a second package for jest
      modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/'],
    },
  },
  gitignore: ['cdk8s.out/', '.bench/', '.jsii.tabl.json', 'reports/', '.stryker-tmp/'],
});

// projen's jsii setup points `types` at lib/index.d.ts; with rootDir '.' the output lands in lib/src.
project.package.addField('types', 'lib/src/index.d.ts');
// The package holds the compiled library, its public types and the bundled dependencies: no sources of
// imports/, examples, scripts, CRD bundles or fixtures (test/ is excluded by projen), and no declarations of
// private modules (no public type refers to them; test/package.test.ts checks what ships).
for (const pattern of ['/imports/', '/crds/', '/cdk8s.out/', '/examples/', '/scripts/', '/.ci/', '/cdk8s.yaml', '/.bench/',
  '/lib/src/private/**/*.d.ts', '/lib/imports/**/*.d.ts', '/CONTRIBUTING.md', '/docs/', '/rosetta/',
  '/.dependency-cruiser.cjs', '/stryker.config.json', '/reports/', '/.stryker-tmp/',
  // the CLI's modules are no API: only the entry point's declaration ships
  '/lib/src/cli/**/*.d.ts', '!/lib/src/cli/main.d.ts']) {
  project.addPackageIgnore(pattern);
}
project.addBins({ 'cdk8s-lanes': 'lib/src/cli/main.js' });
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');

// Scripts and the example app run under ts-node with this configuration (the jsii tsconfig only covers src/ and imports/).
new javascript.TypescriptConfig(project, {
  fileName: 'tsconfig.dev.json',
  extends: javascript.TypescriptConfigExtends.fromPaths(['./tsconfig.json']),
  include: ['src/**/*.ts', 'imports/**/*.ts', 'test/**/*.ts', 'examples/**/*.ts', 'scripts/**/*.ts'],
  exclude: ['node_modules'],
  compilerOptions: { rootDir: '.', noEmit: true },
});

// eslint's project service looks for the nearest tsconfig.json: give examples/ and scripts/ one each.
for (const dir of ['examples', 'scripts']) {
  new javascript.TypescriptConfig(project, {
    fileName: `${dir}/tsconfig.json`,
    extends: javascript.TypescriptConfigExtends.fromPaths(['../tsconfig.dev.json']),
    include: ['**/*.ts'],
    compilerOptions: {},
  });
}

// ts-jest does not type-check: check tests, examples and scripts (not only test/) before jest runs.
project.testTask.prependExec('tsc --noEmit -p tsconfig.dev.json', { name: 'Type-check tests, examples and scripts' });

// `npx projen deps:check`: the house rules of src/ (no import cycles, type-only imports included; private code
// below the constructs; nothing imports the CLI), in .dependency-cruiser.cjs; part of every test run.
const depsCheck = project.addTask('deps:check', {
  description: 'Check the import rules of src/ (docs/architecture.md) with dependency-cruiser',
  exec: 'depcruise src --config .dependency-cruiser.cjs',
});
project.testTask.prependSpawn(depsCheck);

// `npx projen import`: regenerate imports/ from the CRD bundles (paths overridable, see scripts/import-crds.ts).
project.addTask('import', {
  description: 'Regenerate the typed Istio / ASM classes in imports/ from the CRD bundles',
  exec: 'ts-node --project tsconfig.dev.json scripts/import-crds.ts',
  receiveArgs: true,
});

// `npx projen docs:images`: draws the README's images (a test checks that they are up to date).
project.addTask('docs:images', {
  description: 'Draw the images of the README',
  exec: 'ts-node --project tsconfig.dev.json scripts/docs-images.ts',
});

// `npx projen bench`: the benchmark (figures as ratios against baselines of the same run); not part of the build.
project.addTask('bench', {
  description: 'Benchmark synthesis, validation and simulation at 10, 100 and 1000 services (add --quick for fewer repetitions, --gateway-api for the Gateway API comparison alone)',
  exec: 'node --expose-gc -r ts-node/register/transpile-only scripts/bench.ts',
  env: { TS_NODE_PROJECT: 'tsconfig.dev.json' },
  receiveArgs: true,
});

// `npx projen mutation [GROUP...]`: mutation testing of src/ by Stryker (stryker.config.json), a group of folders
// at a time, each judged by its own tests (scripts/mutation.ts); incremental: each group's results are kept in
// test/mutation/GROUP.json (committed), so that a run after a small change tests only what it changed.
// Reports: reports/mutation/. Not part of the build (docs/mutation.md).
project.addTask('mutation', {
  description: 'Mutation testing of src/ (Stryker, by group, incremental; reports in reports/mutation/)',
  exec: 'ts-node --project tsconfig.dev.json scripts/mutation.ts',
  receiveArgs: true,
});

// `npx projen example`: synthesize the bundled example app to YAML in cdk8s.out/.
new YamlFile(project, 'cdk8s.yaml', {
  obj: {
    language: 'typescript',
    app: 'ts-node --project tsconfig.dev.json examples/main.ts',
    output: 'cdk8s.out',
  },
});
project.addTask('example', {
  description: 'Synthesize the example app (examples/main.ts) to YAML in cdk8s.out/',
  exec: 'cdk8s synth --no-check-upgrade',
});

// The README's samples compile in strict mode (rosetta/ holds their fixtures), and their translations for the
// jsii languages (.jsii.tabl.json, shipped in the package) give the generated API docs samples in each language.
project.postCompileTask.exec('jsii-rosetta extract --strict');

// Only the JavaScript package is built here, in CI or not: the other languages need their toolchains and are
// packaged by the release workflow's own jobs (package:python, package:java, ... on the uploaded JS artifact).
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);

// The build job runs on the current LTS; this one tests the lowest supported Node.js (`engines`) and the LTS before.
project.github!.tryFindWorkflow('build')!.addJob('node-versions', {
  name: 'test on Node.js ${{ matrix.node }}',
  runsOn: ['ubuntu-latest'],
  permissions: { contents: github.workflows.JobPermission.READ },
  strategy: { failFast: false, matrix: { domain: { node: [project.minNodeVersion!, 'lts/-1'] } } },
  steps: [
    { name: 'Checkout', uses: 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1' },
    { name: 'Setup Node.js', uses: 'actions/setup-node@v7.0.0', with: { 'node-version': '${{ matrix.node }}' } },
    { name: 'Install dependencies', run: 'npm ci' },
    { name: 'compile and test', run: 'npx projen compile && npx projen test' },
  ],
});

project.synth();
