/**
 * Benchmark: `npx projen bench`. Prints figures as ratios against baselines measured in the same run
 * (these machines are shared and noisy; absolute times are printed for context only).
 *
 * For meshes of 10, 100 and 1000 services × 3 and 8 lanes (per service: a sidecar VirtualService with two
 * lane rules, a weighted split with a fallback lane, timeout and retries, and a DestinationRule with a subset
 * per lane), it measures, several repetitions each, median and spread:
 *   (a) LaneRouting constructs, validation on, synthesized to YAML (app.synthYaml())
 *   (b) the same objects built directly with the generated imports/ classes, synthesized the same way
 *   (c) serializing the prebuilt plain manifests: to YAML (cdk8s Yaml.stringify), and to JSON
 *   (d) the library's own work alone: props → validated model → rendered plain specs
 * and simulate() decisions per second on a precomputed route table.
 *
 * Then the CLI's rows (bench-cli.ts): each command as a whole process on 1,000 and 10,000 services.
 *
 * Usage: npx projen bench [--quick] [--cli]   (--quick: fewer repetitions; --cli: the CLI's rows alone)
 */
import { ApiObject, App, Chart, Duration, Testing, Yaml } from 'cdk8s';
import * as asm from '../imports/asm-networking.istio.io';
import { HeaderMatch, LaneRouting, LaneRoutingProps, LaneSimulator, SimulatedRequest, StringMatch, Target } from '../src';
import { cliRows } from './bench-cli';
import { analyze } from '../src/private/analysis/analyze';
import { appErrors, registry } from '../src/private/analysis/synth-runner';
import { normalize } from '../src/private/model/normalize';
import { renderDestinationRuleSpec, renderSidecarSpec } from '../src/private/render/lane-routing';
import { decide } from '../src/private/simulate/engine';
import { resolveDelegation } from '../src/private/simulate/read/delegation';
import { parseYaml } from '../src/private/simulate/read/manifests';
import { readVirtualService } from '../src/private/simulate/read/virtual-service';
import { makeRequest } from '../src/private/simulate/request';
import { checkShape } from '../src/private/validation/shape';
import { SHAPES } from '../src/private/validation/shapes';
import { applyChecked } from '../src/private/validation/size';

const QUICK = process.argv.includes('--quick');

function lanes(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `s${i + 1}`);
}

/** The props of service `i` of a mesh with `laneCount` lanes. */
function serviceProps(i: number, laneCount: number): LaneRoutingProps {
  const names = lanes(laneCount);
  return {
    target: Target.ASM,
    host: `svc${i}.team${i % 20}.svc.cluster.local`,
    port: 8080,
    lanes: names.map(name => ({ name, podLabels: { version: `v-${name}` } })),
    baseline: 's1',
    rules: [
      {
        name: 'dev-route',
        matches: [{ headers: [HeaderMatch.exact('env', 'dev')] }, { headers: [HeaderMatch.prefix('x-user', 'qa-')], uri: StringMatch.prefix('/api') }],
        split: [{ lane: names[1 % laneCount], weight: 50 }, { lane: names[laneCount - 1], weight: 50, fallbackLane: 's1' }],
      },
      { name: 'beta', matches: [{ headers: [HeaderMatch.regex('x-tier', 'gold|silver')] }], split: [{ lane: names[laneCount - 1] }] },
    ],
    routeOptions: { timeout: Duration.seconds(5), retries: { attempts: 2, perTryTimeout: Duration.seconds(2), retryOn: '5xx,reset' } },
    sidecar: { name: `svc${i}-lanes` },
    destinationRule: { name: `svc${i}-lanes` },
  };
}

/** (a) the library, validation on. */
function withLibrary(services: number, laneCount: number): string {
  return libraryApp(services, laneCount).synthYaml();
}

function libraryApp(services: number, laneCount: number): App {
  const app = new App();
  const chart = new Chart(app, 'mesh');
  for (let i = 0; i < services; i++) new LaneRouting(chart, `svc${i}`, serviceProps(i, laneCount));
  return app;
}

/** (b) what a user would otherwise write: the same objects built directly with the generated classes. */
function withImports(services: number, laneCount: number): string {
  return importsApp(services, laneCount).synthYaml();
}

function importsApp(services: number, laneCount: number): App {
  const app = new App();
  const chart = new Chart(app, 'mesh');
  const names = lanes(laneCount);
  for (let i = 0; i < services; i++) {
    const host = `svc${i}.team${i % 20}.svc.cluster.local`;
    const namespace = `team${i % 20}`;
    const port = { number: 8080 };
    const options = { timeout: '5s', retries: { attempts: 2, perTryTimeout: '2s', retryOn: '5xx,reset' } };
    const dest = (lane: string, weight?: number, fallback?: string): asm.VirtualServiceSpecHttpRoute => ({
      destination: { host, subset: lane, port },
      weight,
      headers: { request: { set: { 'x-asm-prefer-tag': lane } } },
      fallback: fallback ? { target: { host, subset: fallback, port } } : undefined,
    });
    const http: asm.VirtualServiceSpecHttp[] = [
      {
        name: 'dev-route',
        match: [{ headers: { env: { exact: 'dev' } } }, { headers: { 'x-user': { prefix: 'qa-' } }, uri: { prefix: '/api' } }],
        route: [dest(names[1], 50), dest(names[laneCount - 1], 50, 's1')],
        ...options,
      },
      { name: 'beta', match: [{ headers: { 'x-tier': { regex: 'gold|silver' } } }], route: [dest(names[laneCount - 1])], ...options },
      { name: 'base-route', route: [dest('s1')], ...options },
    ];
    new asm.VirtualService(chart, `svc${i}-vs`, { metadata: { name: `svc${i}-lanes`, namespace }, spec: { hosts: [host], http } });
    new asm.DestinationRule(chart, `svc${i}-dr`, {
      metadata: { name: `svc${i}-lanes`, namespace },
      spec: { host, subsets: names.map(name => ({ name, labels: { version: `v-${name}` } })) },
    });
  }
  return app;
}

/** (d) the library's own work: props → validated model → rendered plain specs, no cdk8s objects. */
function libraryWork(services: number, laneCount: number): unknown[] {
  const specs: unknown[] = [];
  for (let i = 0; i < services; i++) {
    const model = normalize(`LaneRouting "mesh/svc${i}"`, serviceProps(i, laneCount));
    specs.push(renderSidecarSpec(model), renderDestinationRuleSpec(model));
  }
  return specs;
}

function time(fn: () => unknown): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

interface Stat { median: number; min: number; max: number }

function stat(xs: number[]): Stat {
  const sorted = [...xs].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1] };
}

function measure(reps: number, fn: () => unknown): Stat {
  fn(); // warm-up
  return stat(Array.from({ length: reps }, () => time(fn)));
}

/**
 * Runs the cases in interleaved rounds (a, b, c, d, a, b, c, d, ...) after one warm-up round, so that a
 * slow spell of the machine hits every case of a round alike; ratios are then taken per round (paired).
 */
function rounds(reps: number, cases: { [name: string]: () => unknown }): { [name: string]: number[] } {
  const names = Object.keys(cases);
  names.forEach(k => cases[k]());
  const times: { [name: string]: number[] } = Object.fromEntries(names.map(k => [k, []]));
  for (let r = 0; r < reps; r++) for (const k of names) times[k].push(time(cases[k]));
  return times;
}

/** The median of the per-round ratios x/y. */
function paired(xs: number[], ys: number[]): number {
  return stat(xs.map((x, i) => x / ys[i])).median;
}

function fmt(s: Stat): string {
  return `${s.median.toFixed(1)} ms (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;
}

function ratio(x: number, y: number): string {
  return (x / y).toFixed(2);
}

function main() {
  // the comparison is fair only if (a) and (b) produce the same manifests
  for (const laneCount of [3, 8]) {
    if (withLibrary(20, laneCount) !== withImports(20, laneCount)) throw new Error(`(a) and (b) differ at ${laneCount} lanes: fix the benchmark`);
  }
  // warm-up: compile the hot paths before the first measurement
  for (let i = 0; i < 3; i++) {
    withLibrary(100, 8); withImports(100, 8); libraryWork(100, 8);
  }

  const results: Array<{ services: number; lanes: number; times: { [name: string]: number[] } }> = [];
  console.log(`cdk8s-traffic-lanes benchmark (node ${process.version}${QUICK ? ', --quick' : ''})`);
  console.log('per service: sidecar VirtualService (2 rules, weighted split with fallback, timeout, retries) + DestinationRule; (a) and (b) give identical YAML');
  console.log('times: median (min–max) of interleaved rounds; ratios: median of the per-round ratios\n');
  console.log('services lanes  (a) library               (b) imports classes       (c) YAML floor            (c) JSON  (d) library  a/b   b/c-yaml  d/c-json  validation/a');
  for (const services of [10, 100, 1000]) {
    for (const laneCount of [3, 8]) {
      const reps = QUICK ? 3 : services === 1000 ? 7 : services === 100 ? 11 : 21;
      const chart = Testing.chart();
      for (let i = 0; i < services; i++) new LaneRouting(chart, `svc${i}`, serviceProps(i, laneCount));
      const manifests = chart.toJson();
      const t = rounds(reps, {
        a: () => withLibrary(services, laneCount),
        b: () => withImports(services, laneCount),
        cYaml: () => Yaml.stringify(...manifests),
        cJson: () => JSON.stringify(manifests),
        d: () => libraryWork(services, laneCount),
        // validation: the shape check at the boundary, the checks inside normalize() (upper bound: all of
        // normalize), the size check of the rendered specs, and the app-wide checks
        validation: () => {
          for (let i = 0; i < services; i++) {
            const context = `LaneRouting "mesh/svc${i}"`;
            const props = serviceProps(i, laneCount);
            checkShape(context, 'props', SHAPES.LaneRoutingProps, props);
            const model = normalize(context, props);
            applyChecked(context, 'sidecar VirtualService', renderSidecarSpec(model));
            applyChecked(context, 'DestinationRule', renderDestinationRuleSpec(model));
          }
          // the analysis of the whole app (uncached: synth analyzes each state of the app once)
          const reg = registry(chart);
          reg.last = undefined;
          appErrors(chart.node.root, reg);
        },
      });
      results.push({ services, lanes: laneCount, times: t });
      console.log([
        String(services).padStart(8), String(laneCount).padStart(5), ' ', fmt(stat(t.a)).padEnd(25), fmt(stat(t.b)).padEnd(25),
        fmt(stat(t.cYaml)).padEnd(25), `${stat(t.cJson).median.toFixed(1)} ms`.padEnd(9), `${stat(t.d).median.toFixed(1)} ms`.padEnd(12),
        paired(t.a, t.b).toFixed(2).padEnd(5), paired(t.b, t.cYaml).toFixed(2).padEnd(9), paired(t.d, t.cJson).toFixed(2).padEnd(9),
        `${(100 * paired(t.validation, t.a)).toFixed(1)}%`,
      ].join(' '));
    }
  }

  console.log('\ngrowth from 100 to 1000 services (10x the services; target ≤ 11x), medians (and minimums):');
  for (const laneCount of [3, 8]) {
    const at = (n: number, k: string) => stat(results.find(r => r.services === n && r.lanes === laneCount)!.times[k]);
    const growth = (k: string) => `${ratio(at(1000, k).median, at(100, k).median)}x (${ratio(at(1000, k).min, at(100, k).min)}x)`;
    console.log(`  ${laneCount} lanes: (a) ${growth('a')}   (b) ${growth('b')}   (d) ${growth('d')}   YAML floor ${growth('cYaml')}`);
  }

  // the heap an app and its output hold after synth (garbage collected before and after)
  const gc = (global as any).gc as (() => void) | undefined;
  const held = (make: () => App) => {
    gc?.();
    const before = process.memoryUsage().heapUsed;
    const app = make();
    const out = app.synthYaml();
    gc?.();
    return { bytes: process.memoryUsage().heapUsed - before, app, yaml: out };
  };
  const library = held(() => libraryApp(1000, 8));
  const imports = held(() => importsApp(1000, 8));
  const [heapLibrary, heapImports, yaml, yaml2] = [library.bytes, imports.bytes, library.yaml, imports.yaml];
  console.log(`\nmemory, 1000 services x 8 lanes: heap held after synth ${(heapLibrary / 2 ** 20).toFixed(1)} MiB (library) vs ${(heapImports / 2 ** 20).toFixed(1)} MiB (imports classes)${gc ? '' : ' [run with --expose-gc for exact figures]'}; output ${(yaml.length / 2 ** 20).toFixed(1)} MiB vs ${(yaml2.length / 2 ** 20).toFixed(1)} MiB; peak RSS of the whole run ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);

  // diff: two versions of a mesh (one service's weights changed), against loading the same YAML
  for (const services of [100, 1000]) {
    const oldYaml = withLibrary(services, 8);
    const newYaml = oldYaml.replace('weight: 50\n', 'weight: 60\n').replace('weight: 50\n', 'weight: 40\n');
    const load = measure(QUICK ? 2 : 3, () => LaneSimulator.fromYaml(oldYaml));
    const a = LaneSimulator.fromYaml(oldYaml);
    const b = LaneSimulator.fromYaml(newYaml);
    const diffTime = measure(QUICK ? 2 : 3, () => a.diff(b));
    if (!a.diff(b).changed) throw new Error('bench: the changed mesh shows no traffic change');
    console.log(`diff, ${services} services x 8 lanes: ${diffTime.median.toFixed(0)} ms (loading one version: ${load.median.toFixed(0)} ms; ratio ${(diffTime.median / load.median).toFixed(2)})`);
  }

  // check: the analyzer over a mesh with its Services and workloads, against loading the same YAML
  for (const services of [100, 1000]) {
    const workloads = Array.from({ length: services }, (_, i) => [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: `svc${i}`, namespace: `team${i % 20}` }, spec: { selector: { app: `svc${i}` }, ports: [{ port: 8080 }] } },
      ...lanes(8).map(l => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `svc${i}-${l}`, namespace: `team${i % 20}` }, spec: { template: { metadata: { labels: { app: `svc${i}`, version: `v-${l}` } } } } })),
    ]).flat();
    const text = `${withLibrary(services, 8)}---\n${Yaml.stringify(...workloads)}`;
    const load = measure(QUICK ? 2 : 3, () => LaneSimulator.fromYaml(text));
    const manifests = parseYaml([{ name: 'bench', text }]);
    const checkTime = measure(QUICK ? 2 : 3, () => analyze(manifests));
    const errors = analyze(manifests).filter(f => f.level === 'Error');
    if (errors.length) throw new Error(`bench: the mesh should be clean, got ${errors[0].code} ${errors[0].message}`);
    console.log(`check, ${services} services x 8 lanes with Services and Deployments: ${checkTime.median.toFixed(0)} ms (parsed; loading the YAML for a simulation: ${load.median.toFixed(0)} ms)`);
  }

  // one routing at the rule ceiling: the route checks (unique names, unreachable match blocks) stay linear
  const manyRules = (n: number): LaneRoutingProps => ({
    ...serviceProps(0, 8),
    rules: Array.from({ length: n }, (_, i) => ({ name: `r${i}`, matches: [{ headers: [HeaderMatch.exact('x-rule', `${i}`)], uri: StringMatch.prefix(`/r${i}`) }], split: [{ lane: 's2' }] })),
  });
  const rules1000 = measure(5, () => new LaneRouting(Testing.chart(), 'svc', manyRules(1000)));
  const rules100 = measure(5, () => new LaneRouting(Testing.chart(), 'svc', manyRules(100)));
  console.log(`rules: a LaneRouting with 1,000 rules (the ceiling) is validated in ${rules1000.median.toFixed(1)} ms (100 rules: ${rules100.median.toFixed(1)} ms; target: well under a second)`);

  // simulate(): decisions per second on a precomputed route table
  const routing = new LaneRouting(Testing.chart(), 'svc', serviceProps(0, 8));
  const spec = renderSidecarSpec(normalize('bench', serviceProps(0, 8)));
  const table = resolveDelegation([readVirtualService('bench', { name: 'bench' }, spec)], []).tables[0];
  const requests = [
    makeRequest({ headers: { env: 'dev' } }),
    makeRequest({ headers: { 'x-user': 'qa-7' }, path: '/api/orders' }),
    makeRequest({ headers: { 'x-tier': 'gold' } }),
    makeRequest({ headers: {} }),
  ];
  const health = { unhealthy: new Set(['s8']), subsets: new Map() };
  const decisions = QUICK ? 400_000 : 2_000_000;
  const engine = measure(3, () => {
    for (let i = 0; i < decisions; i++) decide(table, requests[i % 4], health);
  });
  const simulator = LaneSimulator.fromYaml(Yaml.stringify(...Testing.synth(routing.node.scope as Chart)));
  const apiCalls = QUICK ? 50_000 : 200_000;
  const inputs: SimulatedRequest[] = [{ headers: { env: 'dev' } }, { headers: { 'x-user': 'qa-7' }, path: '/api/orders' }, { headers: { 'x-tier': 'gold' } }, {}];
  const api = measure(3, () => {
    for (let i = 0; i < apiCalls; i++) simulator.simulate(inputs[i % 4], { unhealthyLanes: ['s8'], host: 'svc0.team0.svc.cluster.local' });
  });
  // LaneRouting.simulate() reads the objects the construct synthesizes on every call (what is simulated is what is synthesized)
  const constructCalls = QUICK ? 1_000 : 5_000;
  const viaConstruct = measure(3, () => {
    for (let i = 0; i < constructCalls; i++) routing.simulate(inputs[i % 4], { unhealthyLanes: ['s8'], host: 'svc0.team0.svc.cluster.local' });
  });
  const perSecond = (n: number, s: Stat) => Math.round(n / (s.median / 1000)).toLocaleString('en-US');
  gatewayApiAgainstVirtualServices();
  console.log(`simulate(): ${perSecond(decisions, engine)} decisions/s on a precomputed route table (target ≥ 1,000,000); `
    + `${perSecond(apiCalls, api)} calls/s through the public LaneSimulator.simulate() (request parsing and result objects included); `
    + `${perSecond(constructCalls, viaConstruct)} calls/s through LaneRouting.simulate() (which reads the synthesized objects on every call)`);
}

/**
 * The Gateway API against VirtualServices: 1,000 routes on one Gateway with 10 listeners (HTTPRoutes, their
 * Services), and the same routing as one gateway-bound VirtualService; each read from a chart's objects (the YAML
 * parsing, the same for both, left out) and asked once per route.
 */
function gatewayApiAgainstVirtualServices(): void {
  const routes = 1000;
  const host = (i: number) => `svc${i}.l${i % 10}.example.com`;
  const gw = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'gw', namespace: 'infra' },
    spec: { gatewayClassName: 'istio', listeners: Array.from({ length: 10 }, (_, k) => ({ name: `l${k}`, port: 80, protocol: 'HTTP', hostname: `*.l${k}.example.com`, allowedRoutes: { namespaces: { from: 'All' } } })) },
  };
  const httpRoutes = Array.from({ length: routes }, (_, i) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: `r${i}`, namespace: 'shop' },
    spec: {
      parentRefs: [{ name: 'gw', namespace: 'infra' }],
      hostnames: [host(i)],
      rules: [
        { matches: [{ path: { type: 'PathPrefix', value: '/api' }, headers: [{ name: 'env', value: 'dev' }] }], backendRefs: [{ name: `svc${i}-s2`, port: 80, weight: 50 }, { name: `svc${i}-s3`, port: 80, weight: 50 }] },
        { backendRefs: [{ name: `svc${i}-s1`, port: 80 }] },
      ],
    },
  }));
  const services = Array.from({ length: routes }, (_, i) => ['s1', 's2', 's3'].map(l => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: `svc${i}-${l}`, namespace: 'shop' }, spec: { selector: { app: `svc${i}`, lane: l }, ports: [{ port: 80 }] } }))).flat();
  const vs = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'all', namespace: 'infra' },
    spec: {
      hosts: ['*.example.com'],
      gateways: ['infra/gw'],
      http: Array.from({ length: routes }, (_, i) => [
        { match: [{ authority: { exact: host(i) }, uri: { prefix: '/api' }, headers: { env: { exact: 'dev' } } }], route: [{ destination: { host: `svc${i}-s2.shop.svc.cluster.local`, port: { number: 80 } }, weight: 50 }, { destination: { host: `svc${i}-s3.shop.svc.cluster.local`, port: { number: 80 } }, weight: 50 }] },
        { match: [{ authority: { exact: host(i) } }], route: [{ destination: { host: `svc${i}-s1.shop.svc.cluster.local`, port: { number: 80 } } }] },
      ]).flat(),
    },
  };
  const chartOf = (objects: object[]) => {
    const chart = Testing.chart();
    objects.forEach((o: any, i) => new ApiObject(chart, `o${i}`, o));
    return chart;
  };
  const gatewayChart = chartOf([gw, ...httpRoutes, ...services]);
  const vsChart = chartOf([vs, ...services]);
  const ask = (sim: LaneSimulator) => {
    for (let i = 0; i < routes; i++) {
      const r = sim.simulate({ headers: { host: host(i), env: i % 2 ? 'dev' : 'qa' }, path: '/api/x' }, { gateway: 'infra/gw' });
      if (r.outcomes.length !== (i % 2 ? 2 : 1)) throw new Error(`bench: route ${i} answered ${r.outcomes.length} outcomes`);
    }
  };
  // warm-up: compile the hot paths of both before the first measurement
  ask(LaneSimulator.fromConstruct(gatewayChart));
  ask(LaneSimulator.fromConstruct(vsChart));
  const t = rounds(QUICK ? 3 : 7, {
    gatewayApi: () => ask(LaneSimulator.fromConstruct(gatewayChart)),
    virtualService: () => ask(LaneSimulator.fromConstruct(vsChart)),
  });
  console.log(`Gateway API, ${routes} HTTPRoutes on one Gateway with 10 listeners, read from objects and each route asked once: ${stat(t.gatewayApi).median.toFixed(0)} ms; `
    + `the same routing as one VirtualService: ${stat(t.virtualService).median.toFixed(0)} ms; ratio ${paired(t.gatewayApi, t.virtualService).toFixed(2)} (target ≤ 1.5)`);
}

// --gateway-api: only the comparison of the Gateway API with VirtualServices; --cli: only the CLI's rows
if (process.argv.includes('--gateway-api')) {gatewayApiAgainstVirtualServices();} else if (process.argv.includes('--cli')) {cliRows(services => libraryApp(services, 8), QUICK);} else {
  main();
  cliRows(services => libraryApp(services, 8), QUICK);
}
