/**
 * Lanes that bring their workloads: a service's baseline workload forked into the lanes that hold it, from the lane
 * model (the subsets, ASM's lanes and the Gateway API's lane Services select exactly the lane's forks), the refusals
 * (a baseline whose selector would select its forks, a fork of a service without a workload, an expired lane),
 * preview lanes by a pinned clock, and the workloads each hop of a simulation names.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Include, JsonPatch, Testing, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import * as fc from 'fast-check';
import { messageOf, runCli, synth } from './helpers';
import { runs } from './runs';
import { assertConforms } from './schema';
import { ChainWithWorkloads, CHAIN } from '../examples/workloads';
import { LaneClock, LaneGroup, LaneGroupProps, LaneSimulator, Mode, Target, WorkloadOverrides } from '../src';
import { analyze } from '../src/private/analysis/analyze';
import { normalizeGroup } from '../src/private/model/group';
import { expiryFindings, Fork, planWorkloads, WorkloadPlan } from '../src/private/model/workloads';
import { baselineProblems, forkLabels, forkSpec } from '../src/private/render/workloads';

const TARGETS = [Target.ASM, Target.ISTIO, Target.GATEWAY_API];

/** A baseline Deployment (and its Service) of `name`, its selector narrowed to the baseline lane unless told otherwise. */
function baseline(chart: Chart, name: string, selector: { [k: string]: string } = { app: name, version: 'v1' }): ApiObject {
  new ApiObject(chart, `${name}-service`, { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { selector: { app: name }, ports: [{ name: 'http', port: 8000 }] } });
  return new ApiObject(chart, `${name}-deployment`, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: 2,
      selector: { matchLabels: selector },
      template: { metadata: { labels: { app: name, ...selector } }, spec: { containers: [{ name, image: `${name}:1`, env: [{ name: 'MODE', value: 'base' }] }] } },
    },
  });
}

/** A group of the chain's services, each with a baseline workload, on `target`. */
function group(chart: Chart, target: Target, more: Partial<LaneGroupProps> = {}, selector?: (name: string) => { [k: string]: string }): LaneGroup {
  return new LaneGroup(chart, 'g', {
    name: 'g',
    target,
    services: CHAIN.map(name => ({
      name,
      namespace: 'default',
      workload: baseline(chart, name, selector?.(name)),
      ...(target === Target.GATEWAY_API ? { port: 8000, laneServices: { selector: { app: name }, ports: [{ port: 8000 }] } } : {}),
    })),
    lanes: [
      { name: 's1', services: CHAIN, podLabels: { version: 'v1' } },
      { name: 's2', services: ['mocka', 'mockc'], podLabels: { version: 'v2' } },
    ],
    baseline: 's1',
    ...more,
  });
}

const byName = (objects: any[], kind: string, name: string) => objects.find(o => o.kind === kind && o.metadata.name === name);

describe('forks of the baseline workloads', () => {
  test('a fork per lane that holds the service, named for the lane, with the lane\'s labels; the Service is left alone', () => {
    const chart = new Chart(Testing.app(), 'c');
    const g = group(chart, Target.ISTIO);
    expect(g.workloads.map(w => w.name)).toEqual(['mocka-s2', 'mockc-s2']);
    const out = synth(chart);
    const fork = byName(out, 'Deployment', 'mocka-s2');
    expect(fork.spec.selector).toEqual({ matchLabels: { app: 'mocka', version: 'v2' } });
    expect(fork.metadata).toEqual({ name: 'mocka-s2', namespace: 'default', labels: { version: 'v2' } });
    expect(fork.spec.template.metadata.labels).toEqual({ app: 'mocka', version: 'v2' });
    expect(fork.spec.template.spec).toEqual(byName(out, 'Deployment', 'mocka').spec.template.spec);
    expect(byName(out, 'Service', 'mocka').spec.selector).toEqual({ app: 'mocka' });
    expect(byName(out, 'Deployment', 'mockb-s2')).toBeUndefined();
    out.filter(o => o.kind === 'Deployment').forEach(assertConforms);
  });

  test('the baseline gets its lane\'s labels on its pod template; the fork drops them for its own lane\'s', () => {
    const chart = new Chart(Testing.app(), 'c');
    new LaneGroup(chart, 'g', {
      name: 'g',
      target: Target.ISTIO,
      services: [{ name: 'mocka', namespace: 'default', workload: baseline(chart, 'mocka', { app: 'mocka', track: 'stable' }) }],
      lanes: [{ name: 's1', services: ['mocka'], podLabels: { track: 'stable', tier: 'base' } }, { name: 's2', services: ['mocka'], podLabels: { track: 'canary' } }],
      baseline: 's1',
    });
    const out = synth(chart);
    expect(byName(out, 'Deployment', 'mocka').spec.template.metadata.labels).toEqual({ app: 'mocka', track: 'stable', tier: 'base' });
    expect(byName(out, 'Deployment', 'mocka-s2').spec.template.metadata.labels).toEqual({ app: 'mocka', track: 'canary' });
    expect(byName(out, 'Deployment', 'mocka-s2').spec.selector.matchLabels).toEqual({ app: 'mocka', track: 'canary' });
  });

  test('per-lane image, environment and replicas; a named container; a later change to the baseline carries over', () => {
    const chart = new Chart(Testing.app(), 'c');
    const g = group(chart, Target.ISTIO, {
      lanes: [
        { name: 's1', services: CHAIN, podLabels: { version: 'v1' } },
        { name: 's2', services: ['mocka', 'mockc'], podLabels: { version: 'v2' }, workloads: { mocka: { image: 'mocka:2', env: { MODE: 'new', EXTRA: '1' }, replicas: 0 }, mockc: { container: 'mockc', image: 'mockc:2' } } },
      ],
    });
    const base = chart.node.findChild('mocka-deployment') as ApiObject;
    base.addJsonPatch(JsonPatch.add('/spec/minReadySeconds', 5));
    const out = synth(chart);
    const fork = byName(out, 'Deployment', 'mocka-s2');
    expect(fork.spec.replicas).toBe(0);
    expect(fork.spec.minReadySeconds).toBe(5);
    expect(fork.spec.template.spec.containers).toEqual([{ name: 'mocka', image: 'mocka:2', env: [{ name: 'MODE', value: 'new' }, { name: 'EXTRA', value: '1' }] }]);
    expect(byName(out, 'Deployment', 'mockc-s2').spec.template.spec.containers[0].image).toBe('mockc:2');
    expect(byName(out, 'Deployment', 'mocka').spec.template.spec.containers[0].image).toBe('mocka:1');
    expect(g.workloads).toHaveLength(2);
  });

  test('strict mode forks every service of every lane', () => {
    const chart = new Chart(Testing.app(), 'c');
    const g = group(chart, Target.ISTIO, {
      mode: Mode.STRICT,
      lanes: [{ name: 's1', services: CHAIN, podLabels: { version: 'v1' } }, { name: 's2', services: CHAIN, podLabels: { version: 'v2' } }, { name: 's3', services: CHAIN, podLabels: { version: 'v3' } }],
    });
    expect(g.workloads.map(w => w.name)).toEqual(['mocka-s2', 'mocka-s3', 'mockb-s2', 'mockb-s3', 'mockc-s2', 'mockc-s3']);
  });

  test('a cdk8s-plus Deployment, a StatefulSet, an Argo Rollout and a Deployment from Include are forked', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'include-'));
    try {
      const app = Testing.app();
      const chart = new Chart(app, 'c');
      const plus = new kplus.Deployment(chart, 'plus', { metadata: { name: 'mocka', namespace: 'default' }, containers: [{ image: 'mocka:1', securityContext: { ensureNonRoot: false } }] });
      plus.podMetadata.addLabel('version', 'v1');
      plus.select(kplus.LabelSelector.of({ labels: { version: 'v1' } }));
      const statefulSet = new ApiObject(chart, 'sts', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'mockb', namespace: 'default' }, spec: { serviceName: 'mockb', selector: { matchLabels: { app: 'mockb', version: 'v1' } }, template: { metadata: { labels: { app: 'mockb', version: 'v1' } }, spec: { containers: [{ name: 'b', image: 'mockb:1' }] } } } });
      const rollout = new ApiObject(chart, 'rollout', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'mockc', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'mockc', version: 'v1' } }, template: { metadata: { labels: { app: 'mockc', version: 'v1' } }, spec: { containers: [{ name: 'c', image: 'mockc:1' }] } } } });
      const file = path.join(dir, 'mockd.yaml');
      fs.writeFileSync(file, Yaml.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'mockd', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'mockd', version: 'v1' } }, template: { metadata: { labels: { app: 'mockd', version: 'v1' } }, spec: { containers: [{ name: 'd', image: 'mockd:1' }] } } } }));
      const included = new Include(chart, 'included', { url: file });
      const services = ['mocka', 'mockb', 'mockc', 'mockd'];
      const g = new LaneGroup(chart, 'g', {
        name: 'g',
        target: Target.ISTIO,
        services: [plus, statefulSet, rollout, included.apiObjects[0]].map((workload, i) => ({ name: services[i], namespace: 'default', workload })),
        lanes: [{ name: 's1', services, podLabels: { version: 'v1' } }, { name: 's2', services, podLabels: { version: 'v2' } }],
        baseline: 's1',
      });
      expect(g.workloads.map(w => `${w.kind} ${w.name}`)).toEqual(['Deployment mocka-s2', 'StatefulSet mockb-s2', 'Rollout mockc-s2', 'Deployment mockd-s2']);
      // no Argo Rollout schema is vendored: the others are checked below
      const out = Testing.synth(chart);
      const plusFork = byName(out, 'Deployment', 'mocka-s2');
      expect(plusFork.spec.selector.matchLabels.version).toBe('v2');
      expect(plusFork.spec.template.metadata.labels.version).toBe('v2');
      expect(byName(out, 'StatefulSet', 'mockb-s2').spec.serviceName).toBe('mockb');
      out.filter((o: any) => o.apiVersion === 'apps/v1').forEach(assertConforms);
      expect(() => app.synthYaml()).not.toThrow();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('refusals', () => {
  test('a baseline whose selector would select its forks\' pods fails synth, naming the label to add and the recreation', () => {
    const app = Testing.app();
    group(new Chart(app, 'c'), Target.ISTIO, {}, name => ({ app: name }));
    expect(messageOf(() => app.synthYaml())).toContain('LaneGroup "c/g": service "mocka": the selector of Deployment default/mocka (app: mocka) also selects the pods of its forks (lanes s2); '
      + 'add version: v1 to its spec.selector.matchLabels. A selector cannot change in a cluster: recreate the Deployment without stopping its pods '
      + '(kubectl delete deployment mocka -n default --cascade=orphan, apply, then delete its old ReplicaSet once the new pods are ready)');
  });

  test('a fork of a service that has no baseline workload', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(messageOf(() => new LaneGroup(chart, 'g', {
      name: 'g',
      target: Target.ISTIO,
      services: [{ name: 'mocka', namespace: 'default' }],
      lanes: [{ name: 's1', services: ['mocka'], podLabels: { version: 'v1' } }, { name: 's2', services: ['mocka'], podLabels: { version: 'v2' }, workloads: { mocka: { image: 'mocka:2' } } }],
      baseline: 's1',
    }))).toBe('LaneGroup "c/g": lane "s2" workloads: service "mocka" has no baseline workload to fork; give services[0].workload (its Deployment, StatefulSet or Rollout)');
  });

  test.each<[string, Partial<LaneGroupProps>, string]>([
    ['overrides on the baseline lane', { lanes: [{ name: 's1', services: CHAIN, podLabels: { version: 'v1' }, workloads: { mocka: {} } }] },
      'lane "s1" workloads: the baseline lane forks nothing (its workloads are the services\' own); change the service\'s workload instead'],
    ['a service the lane does not hold', { lanes: [{ name: 's1', services: CHAIN, podLabels: { version: 'v1' } }, { name: 's2', services: ['mocka'], podLabels: { version: 'v2' }, workloads: { mockb: {} } }] },
      'lane "s2" workloads: the lane does not hold "mockb" (it holds mocka), so it has no fork of it'],
    ['a service not of the group', { lanes: [{ name: 's1', services: CHAIN, podLabels: { version: 'v1' } }, { name: 's2', services: ['mocka'], podLabels: { version: 'v2' }, workloads: { mockz: {} } }] },
      'lane "s2" workloads: "mockz" is not a service of the group (services: mocka, mockb, mockc)'],
    ['an image with a space', { lanes: [{ name: 's1', services: CHAIN, podLabels: { version: 'v1' } }, { name: 's2', services: ['mocka'], podLabels: { version: 'v2' }, workloads: { mocka: { image: 'a b' } } }] },
      'lane "s2" workloads.mocka.image must be an image reference without spaces, such as "registry.example.com/mocka:2.1", got "a b"'],
    ['an environment variable name Kubernetes refuses', { lanes: [{ name: 's1', services: CHAIN, podLabels: { version: 'v1' } }, { name: 's2', services: ['mocka'], podLabels: { version: 'v2' }, workloads: { mocka: { env: { '1X': 'y' } } } }] },
      'lane "s2" workloads.mocka.env: "1X" is not an environment variable name Kubernetes takes (letters, digits, \'_\', \'-\' and \'.\', not starting with a digit)'],
    ['replicas that are no whole number', { lanes: [{ name: 's1', services: CHAIN, podLabels: { version: 'v1' } }, { name: 's2', services: ['mocka'], podLabels: { version: 'v2' }, workloads: { mocka: { replicas: 1.5 } } }] },
      'lane "s2" workloads.mocka.replicas must be a whole number from 0, got 1.5'],
    ['an expiry date that is no day', { lanes: [{ name: 's1', services: CHAIN, podLabels: { version: 'v1' } }, { name: 's2', services: ['mocka'], podLabels: { version: 'v2' }, expires: '2026-02-30' }] },
      'lane "s2" expires must be a date YYYY-MM-DD (the lane\'s last day, UTC), got "2026-02-30"'],
    ['a baseline that expires', { lanes: [{ name: 's1', services: CHAIN, podLabels: { version: 'v1' }, expires: '2026-12-31' }] },
      'lane "s1" expires: the baseline lane serves every request no other lane takes, so it cannot expire; remove expires'],
    ['warning days that are no whole number', { expiry: { warnDays: -1 } }, 'expiry.warnDays must be an integer from 0 to 3650, got -1'],
  ])('%s', (_name, props, message) => {
    expect(messageOf(() => group(new Chart(Testing.app(), 'c'), Target.ISTIO, props))).toBe(`LaneGroup "c/g": ${message}`);
  });

  test('a baseline in another namespace than its service is refused; a fork goes to its baseline\'s namespace, none included', () => {
    const chart = new Chart(Testing.app(), 'c');
    const other = new ApiObject(chart, 'd', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'mocka', namespace: 'other' } });
    expect(messageOf(() => new LaneGroup(chart, 'g', {
      name: 'g', target: Target.ISTIO, services: [{ name: 'mocka', namespace: 'default', workload: other }], lanes: [{ name: 's1', services: ['mocka'], podLabels: { version: 'v1' } }], baseline: 's1',
    }))).toBe('LaneGroup "c/g": services[0].workload Deployment other/mocka is in namespace "other", but its service is in "default"; a Service selects the pods of its own namespace only');
    const app = Testing.app();
    const plain = new Chart(app, 'plain');
    const bare = new ApiObject(plain, 'd', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'mocka' }, spec: { selector: { matchLabels: { app: 'mocka', version: 'v1' } }, template: { metadata: { labels: { app: 'mocka', version: 'v1' } } } } });
    const g = new LaneGroup(new Chart(app, 'lanes', { namespace: 'lanes' }), 'g', {
      name: 'g',
      target: Target.ISTIO,
      services: [{ name: 'mocka', namespace: 'default', workload: bare }],
      baseline: 's1',
      lanes: [{ name: 's1', services: ['mocka'], podLabels: { version: 'v1' } }, { name: 's2', services: ['mocka'], podLabels: { version: 'v2' } }],
    });
    expect(g.workloads[0].toJson().metadata).toEqual({ name: 'mocka-s2', labels: { version: 'v2' } });
    // a baseline with its namespace, in a group whose chart has another: the baseline's; none anywhere: none
    const named = new ApiObject(plain, 'named', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'mockb', namespace: 'default' }, spec: { template: { metadata: { labels: { app: 'mockb' } } } } });
    const inLanes = new LaneGroup(new Chart(app, 'lanes2', { namespace: 'lanes' }), 'g', {
      name: 'g2',
      target: Target.ISTIO,
      services: [{ name: 'mockb', namespace: 'default', workload: named }],
      baseline: 's1',
      lanes: [{ name: 's1', services: ['mockb'], podLabels: { version: 'v1' } }, { name: 's2', services: ['mockb'], podLabels: { version: 'v2' } }],
    });
    expect(inLanes.workloads[0].toJson().metadata.namespace).toBe('default');
    const same = new LaneGroup(plain, 'g', {
      name: 'g3',
      target: Target.ISTIO,
      services: [{ name: 'mocka', namespace: 'default', workload: bare }],
      baseline: 's1',
      lanes: [{ name: 's1', services: ['mocka'], podLabels: { version: 'v1' } }, { name: 's3', services: ['mocka'], podLabels: { version: 'v3' } }],
    });
    expect(same.workloads[0].toJson().metadata).toEqual({ name: 'mocka-s3', labels: { version: 'v3' } });
  });

  test('a baseline whose pod template has no labels: the message says so, not the JSON patch', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const d = new ApiObject(chart, 'd', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'mocka', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'mocka' } }, template: {} } });
    new LaneGroup(chart, 'g', { name: 'g', target: Target.ISTIO, services: [{ name: 'mocka', namespace: 'default', workload: d }], lanes: [{ name: 's1', services: ['mocka'], podLabels: { version: 'v1' } }], baseline: 's1' });
    expect(messageOf(() => app.synthYaml())).toMatch(/LaneGroup "c\/g": service "mocka": Deployment "c\/d" cannot take the baseline lane's labels on spec\.template\.metadata\.labels \(.*\); give its pod template labels/);
  });

  test('a workload that is no Deployment, StatefulSet or Rollout; a construct with no workload in it', () => {
    const chart = new Chart(Testing.app(), 'c');
    const service = new ApiObject(chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'mocka' } });
    const make = (workload: any) => () => new LaneGroup(chart, `g${Math.random()}`.replace('.', ''), {
      name: 'g', target: Target.ISTIO, services: [{ name: 'mocka', namespace: 'default', workload }], lanes: [{ name: 's1', services: ['mocka'], podLabels: { version: 'v1' } }], baseline: 's1',
    });
    expect(messageOf(make(service))).toMatch(/: services\[0\]\.workload is a v1 Service \("c\/svc"\); a lane forks a Deployment, StatefulSet or Rollout \(apps\/v1 Deployment, apps\/v1 StatefulSet, argoproj\.io\/v1alpha1 Rollout\)$/);
    expect(messageOf(make(new Chart(chart, 'inner')))).toMatch(/: services\[0\]\.workload must be a Deployment, StatefulSet or Rollout \(an ApiObject, or a cdk8s-plus workload\), got a construct "c\/inner"$/);
    expect(messageOf(make({ kind: 'Deployment' }))).toMatch(/props\.services\[0\]\.workload must be made with a workload construct/);
  });

  test('selectors with matchExpressions, without matchLabels, or that contradict the baseline lane fail synth', () => {
    const cases: Array<[object, RegExp]> = [
      [{ matchLabels: { app: 'mocka', version: 'v1' }, matchExpressions: [{ key: 'x', operator: 'Exists' }] }, /selects with spec\.selector\.matchExpressions, which a fork cannot narrow to its lane; select with matchLabels only/],
      [{}, /Deployment default\/mocka has no spec\.selector\.matchLabels; a fork adds its lane's labels to them/],
      [{ matchLabels: { app: 'mocka', version: 'v0' } }, /Deployment default\/mocka selects version: v0, but its lane \(the baseline\) labels its pods version: v1; make them agree/],
    ];
    for (const [selector, message] of cases) {
      const app = Testing.app();
      const chart = new Chart(app, 'c');
      const d = new ApiObject(chart, 'd', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'mocka', namespace: 'default' }, spec: { selector, template: { metadata: { labels: { app: 'mocka' } }, spec: { containers: [{ name: 'a', image: 'a' }] } } } });
      new LaneGroup(chart, 'g', { name: 'g', target: Target.ISTIO, services: [{ name: 'mocka', namespace: 'default', workload: d }], lanes: [{ name: 's1', services: ['mocka'], podLabels: { version: 'v1' } }, { name: 's2', services: ['mocka'], podLabels: { version: 'v2' } }], baseline: 's1' });
      expect(messageOf(() => app.synthYaml())).toMatch(message);
    }
  });

  test('two lanes whose forks would select each other\'s pods; a container the pod template lacks', () => {
    const app = Testing.app();
    group(new Chart(app, 'c'), Target.ISTIO, {
      lanes: [{ name: 's1', services: CHAIN, podLabels: { version: 'v1' } }, { name: 's2', services: ['mocka'], podLabels: { track: 'a' } }, { name: 's3', services: ['mocka'], podLabels: { track: 'a', tier: 'x' } }],
    }, name => ({ app: name, version: 'v1' }));
    expect(messageOf(() => app.synthYaml())).toContain('LaneGroup "c/g": service "mocka": the fork of lane "s2" would select the pods of lane "s3"\'s fork (track: a within track: a, tier: x); give the lanes podLabels that tell them apart');
    const other = Testing.app();
    group(new Chart(other, 'c'), Target.ISTIO, { lanes: [{ name: 's1', services: CHAIN, podLabels: { version: 'v1' } }, { name: 's2', services: ['mocka'], podLabels: { version: 'v2' }, workloads: { mocka: { container: 'web', image: 'x' } } }] });
    expect(messageOf(() => other.synthYaml())).toContain('lane "s2" workloads.mocka: the pod template has no container "web" (containers: mocka)');
  });
});

describe('preview lanes', () => {
  const preview = (clock: LaneClock, warnDays?: number) => {
    const app = Testing.app();
    group(new Chart(app, 'c'), Target.ISTIO, {
      lanes: [{ name: 's1', services: CHAIN, podLabels: { version: 'v1' } }, { name: 'pr-123', services: ['mocka'], podLabels: { version: 'pr-123' }, expires: '2026-12-10' }],
      expiry: { clock, warnDays },
    });
    return app;
  };
  const warnings = (app: App): string[] => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      app.synthYaml();
      return warn.mock.calls.filter(c => (c[1] as any)?.code === 'CDK8S_LANES_EXPIRY').map(c => String(c[0]));
    } finally {
      warn.mockRestore();
    }
  };

  test('quiet before the warning days; a warning within them, the last day included; an Error after it', () => {
    expect(warnings(preview(LaneClock.fixed('2026-12-03')))).toEqual([]);
    expect(warnings(preview(LaneClock.fixed('2026-12-04')))).toEqual(['LaneGroup "c/g": lane "pr-123" expires after 2026-12-10 (7 days left); remove it when its work is merged, or move its expires date']);
    expect(warnings(preview(LaneClock.fixed('2026-12-10T23:59:59Z')))).toEqual(['LaneGroup "c/g": lane "pr-123" expires after 2026-12-10 (today is its last day); remove it when its work is merged, or move its expires date']);
    expect(warnings(preview(LaneClock.fixed('2026-12-09'), 0))).toEqual([]);
    expect(messageOf(() => preview(LaneClock.fixed('2026-12-11')).synthYaml()))
      .toContain('LaneGroup "c/g": lane "pr-123" expired: its last day was 2026-12-10 (today is 2026-12-11); remove the lane, or move its expires date');
  });

  test('the system clock by default; a fixed clock refuses what is no ISO 8601 time', () => {
    const before = Date.now();
    const now = LaneClock.system().now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
    expect(LaneClock.fixed('2026-12-06T09:30:00+01:00').now().toISOString()).toBe('2026-12-06T08:30:00.000Z');
    expect(messageOf(() => LaneClock.fixed('2026-02-30'))).toMatch(/^LaneClock\.fixed\(\): time must be/);
    expect(messageOf(() => LaneClock.fixed('06/12/2026'))).toBe('LaneClock.fixed(): time must be an ISO 8601 date such as "2026-12-06" or a date and time such as "2026-12-06T09:30:00Z", got "06/12/2026"');
    expect(messageOf(() => LaneClock.fixed('2026-13-01'))).toMatch(/^LaneClock\.fixed\(\): time must be/);
  });
});

describe('the example: the chain with its workloads, on every target', () => {
  test.each(TARGETS)('%s: synthesizes to the recorded YAML; the workloads conform to Kubernetes 1.33; check --complete finds nothing', target => {
    const chart = new ChainWithWorkloads(Testing.app(), 'chain-workloads', { target });
    const out = synth(chart);
    expect(Yaml.stringify(...out)).toMatchSnapshot();
    out.filter(o => o.apiVersion === 'apps/v1' || o.apiVersion === 'v1').forEach(assertConforms);
    expect(analyze(out.map((obj, i) => ({ origin: 'chain-workloads.k8s.yaml', index: i + 1, obj })), { complete: true })).toEqual([]);
  });

  test.each(TARGETS)('%s: each hop of a chain names the workload that serves it', target => {
    const sim = LaneSimulator.fromConstruct(new ChainWithWorkloads(Testing.app(), 'chain-workloads', { target }));
    const hosts = CHAIN.map(s => `${s}.default.svc.cluster.local`);
    const workloads = (lane: string) => sim.simulateChain(hosts, { headers: { 'x-asm-prefer-tag': lane } }).map(p => p.hops.map(h => h.workloads));
    expect(workloads('s2')).toEqual([[['Deployment default/mocka-s2'], ['Deployment default/mockb'], ['Deployment default/mockc-s2']]]);
    expect(workloads('s3')).toEqual([[['Deployment default/mocka'], ['Deployment default/mockb-s3'], ['Deployment default/mockc']]]);
  });

  test('without the Services the workloads are not told; a subset no pod has is "no workload" in the CLI', () => {
    const chart = new ChainWithWorkloads(Testing.app(), 'chain-workloads', { target: Target.ISTIO });
    const out = synth(chart);
    const noServices = LaneSimulator.fromYaml(Yaml.stringify(...out.filter(o => o.kind !== 'Service')), 'x.yaml');
    const untold = noServices.simulate({ headers: { 'x-asm-prefer-tag': 's2' } }, { host: 'mocka.default.svc.cluster.local' });
    expect(untold.outcomes[0].workloads).toBeUndefined();
    expect(untold.notes).toContain('the workloads that serve mocka.default.svc.cluster.local are not told: the files hold no Service with a selector for it');
    // no workload read at all: nothing to tell, no note
    const noWorkloads = LaneSimulator.fromYaml(Yaml.stringify(...out.filter(o => o.kind !== 'Service' && o.kind !== 'Deployment')), 'x.yaml');
    expect(noWorkloads.simulate({ headers: { 'x-asm-prefer-tag': 's2' } }, { host: 'mocka.default.svc.cluster.local' }).notes).toEqual([]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workloads-'));
    try {
      const file = path.join(dir, 'out.yaml');
      fs.writeFileSync(file, Yaml.stringify(...out.filter(o => !(o.kind === 'Deployment' && o.metadata.name === 'mocka-s2'))));
      const r = runCli('simulate', file, '-H', 'x-asm-prefer-tag: s2', '--chain', 'mocka,mockb,mockc', '-n', '1');
      expect(r.out).toContain('mocka/s2(version: v2; no workload) -> mockb/s1(version: v1; Deployment mockb) -> mockc/s2(version: v2; Deployment mockc-s2)');
      const one = runCli('simulate', file, '-H', 'x-asm-prefer-tag: s3', '--host', 'mockb', '-n', '1');
      expect(one.out).toMatch(/\ns3 +100% +1 +s3 +Deployment mockb-s3\n/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the diagrams name the workloads of each backend', () => {
    const sim = LaneSimulator.fromConstruct(new ChainWithWorkloads(Testing.app(), 'chain-workloads', { target: Target.ISTIO }));
    const chain = sim.diagram({ chain: ['mocka', 'mockb', 'mockc'] });
    expect(chain).toContain('(["mocka<br/>s2 (version: v2)<br/>Deployment mocka-s2"])');
    expect(sim.diagram({ host: 'mockb.default.svc.cluster.local' })).toContain('mockb/s3<br/>Deployment mockb-s3');
  });
});

describe('property: on every target, each subset selects exactly its lane\'s workloads', () => {
  /** Pods of each workload by `namespace/name` (its template's labels), and what each lane's selection of a service is. */
  const selected = (out: any[], target: Target, service: string, lane: string): string[] => {
    const pods = out.filter(o => o.kind === 'Deployment').map(o => ({ name: o.metadata.name, labels: o.spec.template.metadata.labels }));
    const svcSelector = out.find(o => o.kind === 'Service' && o.metadata.name === service)?.spec.selector;
    let selector: { [k: string]: string } | undefined;
    if (target === Target.ISTIO) {
      const subset = out.filter(o => o.kind === 'DestinationRule' && o.spec.host.startsWith(`${service}.`)).flatMap(o => o.spec.subsets).find((s: any) => s.name === lane);
      selector = subset && { ...svcSelector, ...subset.labels };
    } else if (target === Target.ASM) {
      const swimLane = out.find(o => o.kind === 'ASMSwimLane' && o.metadata.name === lane);
      selector = swimLane?.spec.services.some((s: any) => s.name === service) ? { ...svcSelector, ...swimLane.spec.labelSelector } : undefined;
    } else {
      selector = out.find(o => o.kind === 'Service' && o.metadata.name === `${service}-${lane}`)?.spec.selector;
    }
    if (!selector) return [];
    return pods.filter(p => Object.entries(selector!).every(([k, v]) => p.labels[k] === v)).map(p => p.name).sort();
  };

  test('random lanes, holdings and modes', () => {
    const laneCase = fc.record({
      target: fc.constantFrom(...TARGETS),
      strict: fc.boolean(),
      lanes: fc.array(fc.subarray(CHAIN, { minLength: 1 }), { minLength: 1, maxLength: 3 }),
    }).filter(c => !(c.strict && c.target === Target.GATEWAY_API));
    fc.assert(fc.property(laneCase, c => {
      const chart = new Chart(Testing.app(), 'c');
      const lanes = [{ name: 's1', services: CHAIN, podLabels: { version: 'v1' } },
        ...c.lanes.map((held, i) => ({ name: `s${i + 2}`, services: c.strict ? CHAIN : held, podLabels: { version: `v${i + 2}` } }))];
      group(chart, c.target, { lanes, mode: c.strict ? Mode.STRICT : Mode.PERMISSIVE });
      const out = synth(chart);
      for (const l of lanes) {
        for (const service of CHAIN) {
          // the independent reference: the baseline's Deployment for the baseline lane, `<service>-<lane>` for a lane that holds it
          const expected = !l.services.includes(service) ? [] : l.name === 's1' ? [service] : [`${service}-${l.name}`];
          expect({ lane: l.name, service, selects: selected(out, c.target, service, l.name) }).toEqual({ lane: l.name, service, selects: expected });
        }
      }
    }), { numRuns: runs(40) });
  });
});

describe('the fork and the checks, function by function', () => {
  const fork = (over: Partial<Fork> = {}): Fork => ({ service: 'web', lane: 's2', podLabels: { version: 'v2' }, baselineKeys: ['version'], overrides: {}, ...over });
  const plan = (forks: Fork[], baselineLabels: { [k: string]: string } = { version: 'v1' }): WorkloadPlan =>
    ({ baselineLabels, services: ['web'], forks, expiring: [], warnDays: 7, clock: LaneClock.fixed('2026-12-06') });
  const deployment = (spec: unknown, metadata: object = { name: 'web', namespace: 'shop' }, kind = 'Deployment') => ({ kind, metadata, spec });

  test('forkSpec: labels on a spec without selector or template; overrides only where given; a missing container by name or none', () => {
    expect(forkSpec(undefined, fork())).toEqual({ selector: { matchLabels: { version: 'v2' } }, template: { metadata: { labels: { version: 'v2' } } } });
    const base = { replicas: 3, selector: { matchLabels: { app: 'web', version: 'v1' } }, template: { metadata: { labels: { app: 'web', version: 'v1' } }, spec: { containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1', env: [{ name: 'X', value: '1' }] }] } } };
    const envOnly = forkSpec(base, fork({ overrides: { env: { Y: '2' } } }));
    expect(envOnly.template.spec.containers).toEqual([{ name: 'a', image: 'a:1', env: [{ name: 'Y', value: '2' }] }, { name: 'b', image: 'b:1', env: [{ name: 'X', value: '1' }] }]);
    expect(envOnly.replicas).toBe(3);
    const imageOnly = forkSpec(base, fork({ overrides: { image: 'b:2', container: 'b' } }));
    expect(imageOnly.template.spec.containers).toEqual([{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:2', env: [{ name: 'X', value: '1' }] }]);
    expect(forkSpec(base, fork({ overrides: { replicas: 1 } })).template.spec.containers).toEqual(base.template.spec.containers);
    expect(base.template.metadata.labels).toEqual({ app: 'web', version: 'v1' }); // the baseline's spec is not changed
    expect(messageOf(() => forkSpec({ template: {} }, fork({ overrides: { image: 'x' } })))).toBe('lane "s2" workloads.web: the pod template has no container');
    expect(messageOf(() => forkSpec(base, fork({ overrides: { env: {}, container: 'c' } })))).toBe('lane "s2" workloads.web: the pod template has no container "c" (containers: a, b)');
  });

  test('a label key with a prefix is patched onto the baseline\'s pod template as a JSON pointer escapes it', () => {
    const chart = new Chart(Testing.app(), 'c');
    const d = baseline(chart, 'mocka', { 'app': 'mocka', 'lanes.example.com/lane': 'base' });
    new LaneGroup(chart, 'g', {
      name: 'g',
      target: Target.ISTIO,
      services: [{ name: 'mocka', namespace: 'default', workload: d }],
      baseline: 's1',
      lanes: [{ name: 's1', services: ['mocka'], podLabels: { 'lanes.example.com/lane': 'base', 'tier': 'web' } }, { name: 's2', services: ['mocka'], podLabels: { 'lanes.example.com/lane': 's2' } }],
    });
    const out = synth(chart);
    expect(byName(out, 'Deployment', 'mocka').spec.template.metadata.labels).toEqual({ 'app': 'mocka', 'lanes.example.com/lane': 'base', 'tier': 'web' });
    expect(byName(out, 'Deployment', 'mocka-s2').spec.template.metadata.labels).toEqual({ 'app': 'mocka', 'lanes.example.com/lane': 's2' });
  });

  test('forkSpec: containers and env that are not lists are named; a container named for replicas alone must exist', () => {
    expect(messageOf(() => forkSpec({ template: { spec: { containers: 'x' } } }, fork({ overrides: { image: 'y' } })))).toBe('lane "s2" workloads.web: the pod template\'s containers must be a list of containers, got "x"');
    expect(messageOf(() => forkSpec({ template: { spec: { containers: [{ name: 'a', env: 'x' }] } } }, fork({ overrides: { env: { A: '1' } } })))).toBe('lane "s2" workloads.web: the container\'s env must be a list, got "x"');
    expect(messageOf(() => forkSpec({ template: { spec: { containers: [{ name: 'a' }] } } }, fork({ overrides: { container: 'b', replicas: 1 } })))).toBe('lane "s2" workloads.web: the pod template has no container "b" (containers: a)');
  });

  test('forkLabels: the baseline lane\'s keys off, the lane\'s on', () => {
    expect(forkLabels({ app: 'web', version: 'v1', tier: 'x' }, fork({ baselineKeys: ['version', 'tier'] }))).toEqual({ app: 'web', version: 'v2' });
    expect(forkLabels(undefined, fork())).toEqual({ version: 'v2' });
  });

  test('baselineProblems: each problem, with the object named as kubectl names it', () => {
    const narrow = { selector: { matchLabels: { app: 'web', version: 'v1' } }, template: { metadata: { labels: { app: 'web', version: 'v1' } } } };
    expect(baselineProblems('W', deployment(narrow), 'web', plan([fork()]))).toEqual([]);
    expect(baselineProblems('W', deployment({ workloadRef: { name: 'x' } }, { name: 'web' }, 'Rollout'), 'web', plan([fork()])))
      .toEqual(['W: Rollout default/web refers to its pods\' workload (workloadRef); give the workload it refers to instead']);
    expect(baselineProblems('W', deployment({ workloadRef: { name: 'x' } }), 'web', plan([fork()]))).toEqual(['W: Deployment shop/web has no spec.selector.matchLabels; a fork adds its lane\'s labels to them']);
    for (const spec of [undefined, 'x', { selector: 'x' }, { selector: { matchLabels: ['a'] } }, { selector: { matchLabels: 'app' } }, { selector: { matchLabels: {} } }]) {
      expect(baselineProblems('W', deployment(spec), 'web', plan([fork()]))).toEqual(['W: Deployment shop/web has no spec.selector.matchLabels; a fork adds its lane\'s labels to them']);
    }
    expect(baselineProblems('W', [], 'web', plan([fork()]))).toEqual(['W: undefined default/undefined has no spec.selector.matchLabels; a fork adds its lane\'s labels to them']);
    expect(baselineProblems('W', deployment({ selector: { matchLabels: { app: 'web' }, matchExpressions: [] } }), 'web', plan([fork()])))
      .toEqual(['W: Deployment shop/web selects with spec.selector.matchExpressions, which a fork cannot narrow to its lane; select with matchLabels only']);
    expect(baselineProblems('W', deployment({ selector: { matchLabels: { app: 'web', version: 'v0', tier: 't' } } }), 'web', plan([fork()], { version: 'v1', tier: 't', zone: 'z' })))
      .toEqual(['W: Deployment shop/web selects version: v0, but its lane (the baseline) labels its pods version: v1; make them agree']);
    // the labels to add: the baseline lane's that the selector lacks; the template's labels count for the forks' pods
    expect(baselineProblems('W', deployment({ selector: { matchLabels: { app: 'web', tier: 't' } }, template: { metadata: { labels: { app: 'web', tier: 't' } } } }, { name: 'web' }), 'web',
      plan([fork(), fork({ lane: 's3', podLabels: { version: 'v3' } }), fork({ service: 'api' })], { version: 'v1', tier: 't' }))).toEqual([
      'W: the selector of Deployment default/web (app: web, tier: t) also selects the pods of its forks (lanes s2, s3); add version: v1 to its spec.selector.matchLabels. '
        + 'A selector cannot change in a cluster: recreate the Deployment without stopping its pods (kubectl delete deployment web --cascade=orphan, apply, then delete its old '
        + 'ReplicaSet once the new pods are ready)',
    ]);
    // cdk8s-plus selects by a label of its own: the message says how to add one
    const addr = { 'cdk8s.io/metadata.addr': 'c8' };
    expect(baselineProblems('W', deployment({ selector: { matchLabels: addr }, template: { metadata: { labels: addr } } }), 'web', plan([fork({ baselineKeys: ['version', 'tier'] })], { version: 'v1', tier: 'a' }))[0])
      .toContain('add version: v1, tier: a to its spec.selector.matchLabels (cdk8s-plus: deployment.select(LabelSelector.of({ labels: { "version": "v1", "tier": "a" } }))).');
    // lanes whose labels hold one another's, and a fork that would select the baseline's pods by a label of the template
    expect(baselineProblems('W', deployment(narrow), 'web', plan([fork({ podLabels: { version: 'v1', tier: 'x' } })]))).toEqual([
      'W: lane "s2"\'s podLabels (version: v1, tier: x) and the baseline lane\'s (version: v1) select each other\'s pods; give the lanes podLabels that differ on a key, such as version',
    ]);
    expect(baselineProblems('W', deployment(narrow), 'web', plan([fork({ podLabels: { track: 'stable' }, baselineKeys: ['version', 'track'] })], { version: 'v1', track: 'stable' }))).toEqual([
      'W: lane "s2"\'s podLabels (track: stable) and the baseline lane\'s (version: v1, track: stable) select each other\'s pods; give the lanes podLabels that differ on a key, such as version',
    ]);
    expect(baselineProblems('W', deployment({ selector: { matchLabels: { app: 'web', version: 'v1' } }, template: { metadata: { labels: { app: 'web', track: 'stable' } } } }), 'web',
      plan([fork({ podLabels: { track: 'stable' } })]))).toEqual([
      'W: the fork of lane "s2" would select the baseline\'s pods (track: stable within app: web, track: stable, version: v1); give the lanes podLabels that tell them apart',
    ]);
    // a Rollout that manages Services or routing of its own
    expect(baselineProblems('W', deployment({ ...narrow, strategy: { canary: { stableService: 's', trafficRouting: {} } } }, { name: 'web' }, 'Rollout'), 'web', plan([fork()]))).toEqual([
      'W: Rollout default/web manages Services or routing of its own (spec.strategy.canary stableService, trafficRouting), which its forks would manage too; fork a Rollout without them (the lanes route)',
    ]);
    expect(baselineProblems('W', deployment({ ...narrow, strategy: { canary: { canaryService: 'c', steps: [] } } }, { name: 'web' }, 'Rollout'), 'web', plan([fork()]))[0])
      .toContain('(spec.strategy.canary canaryService)');
    expect(baselineProblems('W', deployment({ ...narrow, strategy: { canary: { steps: [] } } }, { name: 'web' }, 'Rollout'), 'web', plan([fork()]))).toEqual([]);
    expect(baselineProblems('W', deployment({ selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'api' } } } }), 'web', plan([fork()]))).toEqual([]);
    expect(baselineProblems('W', deployment(narrow), 'web', plan([fork({ podLabels: { track: 'a' } }), fork({ lane: 's3', podLabels: { track: 'a', tier: 'x' } })]))).toEqual([
      'W: the fork of lane "s2" would select the pods of lane "s3"\'s fork (track: a within track: a, tier: x); give the lanes podLabels that tell them apart',
    ]);
  });

  test('planWorkloads: the forks of the services with a workload, the baseline lane wherever it is listed; the expiring lanes', () => {
    const chart = new Chart(Testing.app(), 'c');
    const d = baseline(chart, 'mocka');
    const props: LaneGroupProps = {
      name: 'g',
      target: Target.ISTIO,
      baseline: 's1',
      expiry: { warnDays: 0 },
      services: [{ name: 'mocka', namespace: 'default', workload: d }, { name: 'mockb', namespace: 'default' }],
      lanes: [{ name: 's2', services: ['mocka', 'mockb'], podLabels: { version: 'v2' }, expires: '2026-12-31' }, { name: 's1', services: ['mocka', 'mockb'], podLabels: { version: 'v1', tier: 'a' } }],
    };
    const p = planWorkloads(normalizeGroup('G', props), props);
    expect({ ...p, clock: undefined }).toEqual({
      baselineLabels: { version: 'v1', tier: 'a' },
      services: ['mocka'],
      warnDays: 0,
      clock: undefined,
      forks: [{ service: 'mocka', lane: 's2', podLabels: { version: 'v2' }, baselineKeys: ['version', 'tier'], overrides: {} }],
      expiring: [{ lane: 's2', lastDay: '2026-12-31' }],
    });
    expect(messageOf(() => planWorkloads(normalizeGroup('G', props), { ...props, expiry: { warnDays: 3651 } }))).toBe('G: expiry.warnDays must be an integer from 0 to 3650, got 3651');
    expect(planWorkloads(normalizeGroup('G', props), { ...props, expiry: { warnDays: 3650 } }).warnDays).toBe(3650);
    expect(planWorkloads(normalizeGroup('G', props), { ...props, expiry: undefined }).warnDays).toBe(7);
  });

  test('planWorkloads: overrides at their limits, and what is refused', () => {
    const chart = new Chart(Testing.app(), 'c');
    const d = baseline(chart, 'mocka');
    const withOverrides = (o: WorkloadOverrides, expires?: string) => {
      const props: LaneGroupProps = {
        name: 'g',
        target: Target.ISTIO,
        baseline: 's1',
        services: [{ name: 'mocka', namespace: 'default', workload: d }],
        lanes: [{ name: 's1', services: ['mocka'], podLabels: { version: 'v1' } }, { name: 's2', services: ['mocka'], podLabels: { version: 'v2' }, workloads: { mocka: o }, expires }],
      };
      return () => planWorkloads(normalizeGroup('G', props), props);
    };
    expect(withOverrides({ image: 'a:1', env: { '_a.b-c': '' }, replicas: 2_147_483_647, container: 'app' })().forks[0].overrides.replicas).toBe(2_147_483_647);
    expect(messageOf(withOverrides({ replicas: 2_147_483_648 }))).toBe('G: lane "s2" workloads.mocka.replicas must be a whole number from 0, got 2147483648');
    expect(messageOf(withOverrides({ replicas: -1 }))).toBe('G: lane "s2" workloads.mocka.replicas must be a whole number from 0, got -1');
    expect(messageOf(withOverrides({ image: '' }))).toBe('G: lane "s2" workloads.mocka.image must be an image reference without spaces, such as "registry.example.com/mocka:2.1", got ""');
    expect(messageOf(withOverrides({ env: { 'A B': 'x' } }))).toMatch(/^G: lane "s2" workloads\.mocka\.env: "A B" is not an environment variable name/);
    expect(messageOf(withOverrides({ container: 'App' }))).toMatch(/^G: lane "s2" workloads\.mocka\.container must be a DNS-1123 label/);
    for (const day of ['2026-1-01', 'x2026-12-01', '2026-12-01x', '2026-12-32', '2026-12', '2026']) expect(messageOf(withOverrides({}, day))).toMatch(/^G: lane "s2" expires must be a date YYYY-MM-DD/);
    expect(messageOf(withOverrides({}, 20261201 as any))).toMatch(/^G: lane "s2" expires must be a date YYYY-MM-DD .*, got 20261201$/);
  });

  test('expiryFindings: the boundaries of the last day and of the warning days, lane by lane', () => {
    const at = (time: string, warnDays = 2) => expiryFindings('G', { ...plan([]), warnDays, clock: LaneClock.fixed(time), expiring: [{ lane: 'a', lastDay: '2026-12-10' }, { lane: 'b', lastDay: '2026-12-20' }] });
    expect(at('2026-12-08T23:59:59Z')).toEqual({ errors: [], warnings: [] });
    expect(at('2026-12-09')).toEqual({ errors: [], warnings: ['G: lane "a" expires after 2026-12-10 (2 days left); remove it when its work is merged, or move its expires date'] });
    expect(at('2026-12-11')).toEqual({ errors: ['G: lane "a" expired: its last day was 2026-12-10 (today is 2026-12-11); remove the lane, or move its expires date'], warnings: [] });
    expect(at('2026-12-20T12:00:00Z', 0).warnings).toEqual([]);
  });

  test('LaneClock.fixed takes ISO 8601 only, anchored; a number is no time', () => {
    for (const bad of ['x2026-12-06', '2026-12-06x', '2026-12-06T10:00:00', 20261206 as any]) expect(messageOf(() => LaneClock.fixed(bad))).toMatch(/^LaneClock\.fixed\(\): time must be/);
  });
});

describe('the workloads in the CLI\'s answers', () => {
  const vs = (http: object[]) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'web', namespace: 'shop' }, spec: { hosts: ['web.shop.svc.cluster.local'], http } });
  const svc = (name: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop' }, spec: { selector: { app: name }, ports: [{ port: 80 }] } });
  const pods = (name: string, labels: object) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'shop' }, spec: { template: { metadata: { labels } } } });
  const run = (objects: object[], ...args: string[]) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workloads-cli-'));
    try {
      fs.writeFileSync(path.join(dir, 'mesh.yaml'), Yaml.stringify(...objects));
      return runCli('simulate', path.join(dir, 'mesh.yaml'), '-n', '10', ...args).out;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  test('a subset no DestinationRule defines: every workload the Service selects, listed', () => {
    const out = run([vs([{ route: [{ destination: { host: 'web.shop.svc.cluster.local', subset: 'v2' } }] }]), svc('web'), pods('web', { app: 'web', version: 'v1' }), pods('web-v2', { app: 'web', version: 'v2' })],
      '--chain', 'web');
    expect(out).toContain('\nweb/v2(Deployment web, Deployment web-v2)  100%');
  });

  test('the workloads column: its header, and an empty cell for a backend whose Service the files lack', () => {
    const out = run([
      vs([{ route: [{ destination: { host: 'web.shop.svc.cluster.local' }, weight: 50 }, { destination: { host: 'api.shop.svc.cluster.local', subset: 'v1' }, weight: 50 }] }]),
      svc('web'), pods('web', { app: 'web' }),
    ], '--host', 'web.shop.svc.cluster.local');
    expect(out).toMatch(/\nsubset +probability +sampled \(n=10, seed 1\) +lane marker x-asm-prefer-tag +workloads\n/);
    expect(out).toMatch(/\n\(any endpoint\) +50% +\d+ +\(unset\) +Deployment web\nv1 +50% +\d+ +\(unset\) *\n/);
  });
});
