import { Duration } from 'cdk8s';
import { CustomRoute, HeaderMatch, LaneRoutingProps, LaneRule, Mode, RoutePlacement, StringMatch, Target } from '../src';
import { normalize, serviceNamespace } from '../src/private/model/normalize';
import { addCustomRoute, addRule, goDuration } from '../src/private/model/routes';

const CTX = 'LaneRouting "app/mocka"';

function input(overrides: Partial<LaneRoutingProps> = {}): LaneRoutingProps {
  return {
    target: Target.ASM,
    host: 'mocka.default.svc.cluster.local',
    lanes: [{ name: 's1' }, { name: 's2' }, { name: 's3' }],
    baseline: 's1',
    gateway: { gateways: ['istio-system/ingressgateway'] },
    ...overrides,
  };
}

const dev = [{ headers: [HeaderMatch.exact('env', 'dev')] }];

function rule(overrides: Partial<LaneRule> = {}): LaneRule {
  return { name: 'dev-route', matches: dev, split: [{ lane: 's2' }], ...overrides };
}

/** The error that normalizing `overrides` raises (the test fails when none is raised). */
function errorOf(overrides: Partial<LaneRoutingProps>): string {
  try {
    normalize(CTX, input(overrides));
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('normalize: defaults', () => {
  test('resolves every default', () => {
    const m = normalize(CTX, input());
    expect(m.mode).toEqual(Mode.PERMISSIVE);
    expect(m.routingHeader).toEqual('x-asm-prefer-tag');
    expect(m.defaultRoute).toEqual({ name: 'base-route', matches: [], split: [{ lane: 's1', weight: 100 }] });
    expect(m.gateway).toEqual({ gateways: ['istio-system/ingressgateway'], hosts: ['*'], namespace: 'istio-system', name: undefined });
    expect(m.sidecar).toBeUndefined();
    expect(m.destinationRule).toBeUndefined();
  });

  test('a single-lane split gets weight 100', () => {
    const m = normalize(CTX, input({ rules: [rule()] }));
    expect(m.rules[0].split).toEqual([{ lane: 's2', weight: 100, fallbackLane: undefined }]);
  });

  test('addRule returns a new model and leaves the old one untouched', () => {
    const before = normalize(CTX, input());
    const after = addRule(before, rule());
    expect(before.rules).toHaveLength(0);
    expect(after.rules.map(r => r.name)).toEqual(['dev-route']);
  });

  test.each([
    ['mocka.default.svc.cluster.local', 'default'],
    ['mocka.team-a.svc', 'team-a'],
    ['api.example.com', undefined],
  ])('service namespace of %s is %s', (host, ns) => {
    expect(serviceNamespace(host)).toEqual(ns);
  });
});

describe('normalize: errors name the field, the value and what is allowed', () => {
  test.each<[string, Partial<LaneRoutingProps>, string]>([
    ['host with wildcard', { host: '*.default.svc.cluster.local' },
      `${CTX}: host must be a lowercase DNS name such as "mocka.default.svc.cluster.local" (no wildcard, no port), got "*.default.svc.cluster.local"`],
    ['host with uppercase', { host: 'Mocka.default' }, `${CTX}: host must be a lowercase DNS name such as "mocka.default.svc.cluster.local" (no wildcard, no port), got "Mocka.default"`],
    ['host that is an IP', { host: '10.0.0.1' }, `${CTX}: host must not end in an all-numeric label (an IP address is not a service host), got "10.0.0.1"`],
    ['short service host', { host: 'mocka' },
      `${CTX}: host "mocka" is a short name, which Istio resolves against the VirtualService's namespace; write it fully qualified, e.g. "mocka.default.svc.cluster.local"`],
    ['short sidecar host', { sidecar: { hosts: ['mockb'] } },
      `${CTX}: sidecar.hosts[0] "mockb" is a short name, which Istio resolves against the VirtualService's namespace; write it fully qualified, e.g. "mockb.default.svc.cluster.local"`],
    ['port out of range', { port: 70000 }, `${CTX}: port must be an integer from 1 to 65535, got 70000`],
    ['unknown target', { target: 'KUMA' as Target }, `${CTX}: target must be Target.ASM, Target.ISTIO or Target.GATEWAY_API, got "KUMA"`],
    ['unknown mode', { mode: 'LOOSE' as Mode }, `${CTX}: mode must be Mode.PERMISSIVE or Mode.STRICT, got "LOOSE"`],
    ['no lanes', { lanes: [] }, `${CTX}: lanes must list at least one lane (the baseline)`],
    ['lane name with underscore', { lanes: [{ name: 's_1' }] },
      `${CTX}: lane 1 name must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got "s_1"`],
    ['lane name too long', { lanes: [{ name: 's'.repeat(64) }] }, `${CTX}: lane 1 name must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got "${'s'.repeat(64)}"`],
    ['duplicate lanes', { lanes: [{ name: 's1' }, { name: 's1' }] }, `${CTX}: lanes lists "s1" twice`],
    ['empty podLabels', { lanes: [{ name: 's1', podLabels: {} }] },
      `${CTX}: lane "s1" podLabels is empty, which would select every pod; give the labels of the lane's workloads (e.g. { version: 'v2' }) or omit podLabels`],
    ['bad label key', { lanes: [{ name: 's1', podLabels: { 'bad key': 'v1' } }] },
      `${CTX}: lane "s1" podLabels key "bad key" is not a valid Kubernetes label key (optional "prefix/" then letters, digits, '-', '_', '.', at most 63 characters)`],
    ['bad label value', { lanes: [{ name: 's1', podLabels: { version: 'v 1' } }] },
      `${CTX}: lane "s1" podLabels value "v 1" for key "version" is not a valid Kubernetes label value (letters, digits, '-', '_', '.', at most 63 characters)`],
    ['unknown baseline', { baseline: 's9' }, `${CTX}: baseline "s9" is not a lane (lanes: s1, s2, s3)`],
    ['uppercase routing header', { routingHeader: 'X-Asm-Prefer-Tag' },
      `${CTX}: routingHeader must be a lowercase RFC 7230 token, got "X-Asm-Prefer-Tag" (header names must be lowercase: use "x-asm-prefer-tag")`],
    ['pseudo routing header', { routingHeader: ':authority' }, `${CTX}: routingHeader ":authority" is a pseudo-header; use the dedicated field (uri, method, authority) instead`],
    ['host as routing header', { routingHeader: 'host' },
      `${CTX}: routingHeader "host" would rewrite the request's authority; choose a dedicated header such as "x-asm-prefer-tag"`],
    ['empty default route name', { defaultRouteName: ' ' }, `${CTX}: defaultRouteName must be a non-empty string, got " "`],
    ['no entry point', { gateway: undefined }, `${CTX}: no entry point; set gateway (ingress-gateway VirtualService), sidecar (mesh VirtualService) or both`],
    ['no gateways', { gateway: { gateways: [] } },
      `${CTX}: gateway.gateways must list at least one gateway as "namespace/name", e.g. "istio-system/ingressgateway"`],
    ['gateway without namespace', { gateway: { gateways: ['ingressgateway'] } },
      `${CTX}: gateway.gateways[0] must be "namespace/name" with both parts DNS-1123 labels, e.g. "istio-system/ingressgateway", got "ingressgateway"`],
    ['mesh as gateway', { gateway: { gateways: ['mesh'] } },
      `${CTX}: gateway.gateways[0] "mesh" is not a gateway: use the sidecar entry point for mesh (sidecar) routing`],
    ['duplicate gateway', { gateway: { gateways: ['a/b', 'a/b'] } }, `${CTX}: gateway.gateways lists "a/b" twice`],
    ['empty gateway hosts', { gateway: { gateways: ['a/b'], hosts: [] } }, `${CTX}: gateway.hosts must list at least one host (omit it for ["*"])`],
    ['bad gateway host', { gateway: { gateways: ['a/b'], hosts: ['shop.*.com'] } },
      `${CTX}: gateway.hosts[0] must be a lowercase DNS name such as "mocka.default.svc.cluster.local" (no wildcard, no port), got "shop.*.com"`],
    ['bad gateway namespace', { gateway: { gateways: ['a/b'], namespace: 'Istio' } },
      `${CTX}: gateway.namespace must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got "Istio"`],
    ['bad gateway name', { gateway: { gateways: ['a/b'], name: 'My_VS' } },
      `${CTX}: gateway.name must be a Kubernetes object name (lowercase DNS-1123 subdomain, at most 253 characters), got "My_VS"`],
    ['* on a sidecar', { sidecar: { hosts: ['*'] } },
      `${CTX}: sidecar.hosts[0] "*" is only allowed on a gateway-bound VirtualService; a sidecar VirtualService needs the service's FQDN (Istio rejects "*" for the mesh gateway)`],
    ['empty sidecar hosts', { sidecar: { hosts: [] } }, `${CTX}: sidecar.hosts must list at least one host (omit it for the service host)`],
    ['duplicate sidecar hosts', { sidecar: { hosts: ['a.b', 'a.b'] } }, `${CTX}: sidecar.hosts lists "a.b" twice`],
    ['destinationRule without labelled lanes', { destinationRule: { name: 'dr' } },
      `${CTX}: destinationRule is set but no lane has podLabels, so it would have no subset; give the lanes podLabels or omit destinationRule`],
  ])('%s', (_name, overrides, message) => {
    expect(errorOf(overrides)).toEqual(message);
  });
});

describe('rules: errors', () => {
  const R = `${CTX}: rule "dev-route"`;
  test.each<[string, LaneRule[], string]>([
    ['empty rule name', [rule({ name: '' })], `${CTX}: rule name must be a non-empty string, got ""`],
    ['duplicate rule names', [rule(), rule({ matches: [{ uri: StringMatch.prefix('/x') }] })],
      `${R}: the name is already used by another rule; route names must be unique`],
    ['rule named like the default route', [rule({ name: 'base-route' })],
      `${CTX}: rule "base-route": the name is already used by the default route (set defaultRouteName to another name); route names must be unique`],
    ['no match blocks', [rule({ matches: [] })],
      `${R} needs at least one match block; requests that match nothing else go to the default route`],
    ['empty match block', [rule({ matches: [{}] })],
      `${R} match 1 has no condition, so it would match every request; give it headers, uri, authority, method, queryParams or sourceLabels (the default route already catches the rest)`],
    ['header twice in a block', [rule({ matches: [{ headers: [HeaderMatch.exact('env', 'dev'), HeaderMatch.absent('env')] }] })],
      `${R} match 1 headers lists "env" twice`],
    ['uri without slash', [rule({ matches: [{ uri: StringMatch.prefix('api') }] })], `${R} match 1 uri prefix "api" must start with "/"`],
    ['a repeated match block', [rule(), rule({ name: 'again' })],
      `${CTX}: rule "again" match 1 repeats rule "dev-route" match 1, so it can never match (first match wins); remove it or merge the routes`],
    ['a repeated match block, headers in another order', [
      rule({ matches: [{ headers: [HeaderMatch.exact('a', '1'), HeaderMatch.exact('b', '2')] }] }),
      rule({ name: 'again', matches: [{ headers: [HeaderMatch.exact('b', '2'), HeaderMatch.exact('a', '1')] }] }),
    ],
    `${CTX}: rule "again" match 1 repeats rule "dev-route" match 1, so it can never match (first match wins); remove it or merge the routes`],
    ['empty split', [rule({ split: [] })], `${R} split must name at least one lane`],
    ['unknown lane', [rule({ split: [{ lane: 's9' }] })], `${R} lane "s9" is not a lane (lanes: s1, s2, s3)`],
    ['lane twice in a split', [rule({ split: [{ lane: 's2', weight: 50 }, { lane: 's2', weight: 50 }] })], `${R} split lists "s2" twice`],
    ['single lane with weight 50', [rule({ split: [{ lane: 's2', weight: 50 }] })],
      `${R} sends every request to lane "s2", so its weight must be 100 or omitted, got 50`],
    ['missing weight', [rule({ split: [{ lane: 's2', weight: 50 }, { lane: 's3' }] })],
      `${R} lane "s3" needs a weight: every lane of a split with two or more lanes has an integer weight, and the weights sum to 100`],
    ['fractional weight', [rule({ split: [{ lane: 's2', weight: 50.5 }, { lane: 's3', weight: 49.5 }] })],
      `${R} lane "s2" weight must be an integer from 0 to 100, got 50.5`],
    ['negative weight', [rule({ split: [{ lane: 's2', weight: -10 }, { lane: 's3', weight: 110 }] })],
      `${R} lane "s2" weight must be an integer from 0 to 100, got -10`],
    ['weights not summing to 100', [rule({ split: [{ lane: 's2', weight: 50 }, { lane: 's3', weight: 40 }] })],
      `${R} weights must sum to 100, got 50 + 40 = 90`],
    ['unknown fallback lane', [rule({ split: [{ lane: 's2', fallbackLane: 's9' }] })],
      `${R} lane "s2" fallbackLane "s9" is not a lane (lanes: s1, s2, s3)`],
    ['fallback to itself', [rule({ split: [{ lane: 's2', fallbackLane: 's2' }] })],
      `${R} lane "s2" cannot fall back to itself; name another lane, usually the baseline`],
  ])('%s', (_name, rules, message) => {
    expect(errorOf({ rules })).toEqual(message);
  });

  test('fallback with the ISTIO target', () => {
    expect(errorOf({ target: Target.ISTIO, rules: [rule({ split: [{ lane: 's2', fallbackLane: 's1' }] })] })).toEqual(
      `${R} lane "s2" has fallbackLane "s1", but fallback is an ASM-only field that upstream Istio drops; use target: Target.ASM or remove fallbackLane`);
  });

  test('the same match in two blocks of one rule', () => {
    expect(errorOf({ rules: [rule({ matches: [...dev, ...dev] })] })).toEqual(
      `${R} match 2 repeats rule "dev-route" match 1, so it can never match (first match wins); remove it or merge the routes`);
  });

  test('weight 0 is allowed in a split that sums to 100', () => {
    const m = normalize(CTX, input({ rules: [rule({ split: [{ lane: 's2', weight: 0 }, { lane: 's3', weight: 100 }] })] }));
    expect(m.rules[0].split.map(d => d.weight)).toEqual([0, 100]);
  });
});

describe('served-by lanes, route options and custom routes: errors', () => {
  const lanes = [{ name: 's1' }, { name: 's2' }, { name: 's3', servedBy: 's1' }];
  test.each<[string, Partial<LaneRoutingProps>, string]>([
    ['servedBy unknown', { lanes: [{ name: 's1' }, { name: 's2', servedBy: 's9' }] }, `${CTX}: lane "s2" servedBy "s9" is not a lane (lanes: s1, s2)`],
    ['servedBy itself', { lanes: [{ name: 's1' }, { name: 's2', servedBy: 's2' }] }, `${CTX}: lane "s2" servedBy names the lane itself; omit servedBy for a lane with its own subset`],
    ['servedBy chain', { lanes: [{ name: 's1' }, { name: 's2', servedBy: 's1' }, { name: 's3', servedBy: 's2' }] },
      `${CTX}: lane "s3" servedBy "s2" is itself served by "s1"; name "s1" directly`],
    ['servedBy with podLabels', { lanes: [{ name: 's1' }, { name: 's2', servedBy: 's1', podLabels: { v: '2' } }] },
      `${CTX}: lane "s2" has podLabels and servedBy; a lane served by another lane's subset has no workloads of its own`],
    ['fallback to the subset already serving', { lanes, rules: [rule({ split: [{ lane: 's3', fallbackLane: 's1' }] })] },
      `${CTX}: rule "dev-route" lane "s3" is already served by subset "s1", so a fallback to lane "s1" changes nothing; remove fallbackLane`],
    ['timeout below 1ms', { routeOptions: { timeout: Duration.millis(0) } }, `${CTX}: routeOptions timeout must be a whole number of milliseconds, at least 1ms (Istio's minimum), got 0ms`],
    ['negative retries', { routeOptions: { retries: { attempts: -1 } } }, `${CTX}: routeOptions retries.attempts must be an integer ≥ 0, got -1`],
    ['unknown retryOn', { routeOptions: { retries: { attempts: 2, retryOn: '5xx,sometimes' } } },
      `${CTX}: routeOptions retries.retryOn has unknown conditions "sometimes"; allowed: 5xx, gateway-error, reset, reset-before-request, connect-failure, envoy-ratelimited, retriable-4xx, refused-stream, retriable-status-codes, retriable-headers, http3-post-connect-failure, cancelled, deadline-exceeded, internal, resource-exhausted, unavailable, or HTTP status codes`],
  ])('%s', (_name, overrides, message) => {
    expect(errorOf(overrides)).toEqual(message);
  });

  const custom = (overrides: Partial<CustomRoute> = {}): CustomRoute => ({
    name: 'health', matches: [{ uri: StringMatch.exact('/healthz') }], destinations: [{ host: 'mocka.default.svc.cluster.local' }], ...overrides,
  });
  const C = `${CTX}: custom route "health"`;
  test.each<[string, CustomRoute, string]>([
    ['no destinations', custom({ destinations: [] }), `${C} needs at least one destination`],
    ['short host', custom({ destinations: [{ host: 'mocka' }] }),
      `${C} destination 1 host "mocka" is a short name, which Istio resolves against the VirtualService's namespace; write it fully qualified, e.g. "mocka.default.svc.cluster.local"`],
    ['bad subset', custom({ destinations: [{ host: 'a.b.svc', subset: 'V1' }] }),
      `${C} destination 1 subset must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got "V1"`],
    ['weights', custom({ destinations: [{ host: 'a.b.svc', weight: 60 }, { host: 'c.b.svc', weight: 60 }] }), `${C} weights must sum to 100, got 60 + 60 = 120`],
    ['no match', custom({ matches: [] }), `${C} needs at least one match block; requests that match nothing else go to the default route`],
    ['name of a rule', custom({ name: 'dev-route', matches: [{ uri: StringMatch.exact('/x') }] }),
      `${CTX}: custom route "dev-route": the name is already used by a rule; route names must be unique`],
    ['a match a rule already takes', custom({ matches: dev }), `${CTX}: rule "dev-route" match 1 repeats custom route "health" match 1, so it can never match (first match wins); remove it or merge the routes`],
  ])('%s', (_name, route, message) => {
    const model = normalize(CTX, input({ rules: [rule()] }));
    expect(() => addCustomRoute(model, route, RoutePlacement.BEFORE_LANE_RULES)).toThrow(message);
  });

  test('an unknown placement', () => {
    expect(() => addCustomRoute(normalize(CTX, input()), custom(), 'MIDDLE' as RoutePlacement)).toThrow(
      `${CTX}: placement must be RoutePlacement.BEFORE_LANE_RULES or AFTER_LANE_RULES, got "MIDDLE"`);
  });

  test('durations render as whole seconds or milliseconds', () => {
    expect([goDuration('t', Duration.seconds(90)), goDuration('t', Duration.millis(1500)), goDuration('t', Duration.minutes(1))]).toEqual(['90s', '1500ms', '60s']);
    expect(() => goDuration('t', 5 as any)).toThrow('t must be a Duration, e.g. Duration.seconds(2), got 5');
  });
});
