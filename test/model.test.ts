import { Duration } from 'cdk8s';
import { messageOf } from './helpers';
import {
  CustomRoute, HeaderMatch, LaneGroupProps, LaneRoutingProps, LaneRule, Mode, Propagation, PropagationKind, QueryParamMatch,
  RoutePlacement, StringMatch, Target,
} from '../src';
import { laneMarkerProps, normalizeGroup, qualifyHost, serviceRoutingProps } from '../src/private/model/group';
import { baggageEntryPattern, markerOptions, parseBaggageEntryPattern } from '../src/private/model/marker';
import { normalize, serviceNamespace } from '../src/private/model/normalize';
import { addCustomRoute, addRule, goDuration, isRetryOnPolicy, matchKey, MAX_ROUTES, normalizeRouteOptions, subsetOf } from '../src/private/model/routes';

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
    ['a.b.c.svc.cluster.local', undefined],
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


const DNS_LABEL = 'must be a DNS-1123 label (lowercase letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters)';
const OBJECT_NAME = 'must be a Kubernetes object name (lowercase DNS-1123 subdomain, at most 253 characters)';
const LABEL_KEY = 'is not a valid Kubernetes label key (optional "prefix/" then letters, digits, \'-\', \'_\', \'.\', at most 63 characters)';
const RETRY_ON_ALLOWED = '5xx, gateway-error, reset, reset-before-request, connect-failure, envoy-ratelimited, retriable-4xx, refused-stream, '
  + 'retriable-status-codes, retriable-headers, http3-post-connect-failure, cancelled, deadline-exceeded, internal, resource-exhausted, unavailable';
const health = (overrides: Partial<CustomRoute> = {}): CustomRoute => ({
  name: 'health', matches: [{ uri: StringMatch.exact('/healthz') }], destinations: [{ host: 'mocka.default.svc.cluster.local' }], ...overrides,
});
/** A routing with only a sidecar entry point, where rules may match the calling workload's labels. */
const onSidecar: Partial<LaneRoutingProps> = { gateway: undefined, sidecar: {} };

describe('normalize: entry points, object names and propagation', () => {
  test('props that are missing or not an object are refused', () => {
    expect(messageOf(() => normalize(CTX, undefined as any))).toEqual(`${CTX}: props are required`);
    expect(messageOf(() => normalize(CTX, 'mocka' as any))).toEqual(`${CTX}: props are required`);
  });

  test('object names take any DNS-1123 subdomain up to 253 characters: one-letter labels, several dots', () => {
    const m = normalize(CTX, input({
      lanes: [{ name: 's1', podLabels: { version: 'v1' } }],
      gateway: { gateways: ['istio-system/ingressgateway'], name: 'v.a.lane' },
      sidecar: { name: 'a'.repeat(253) },
      destinationRule: { name: 'v' },
    }));
    expect(m.gateway).toEqual({ gateways: ['istio-system/ingressgateway'], hosts: ['*'], namespace: 'istio-system', name: 'v.a.lane' });
    expect(m.sidecar).toEqual({ hosts: ['mocka.default.svc.cluster.local'], namespace: 'default', name: 'a'.repeat(253) });
    expect(m.destinationRule).toEqual({ namespace: 'default', name: 'v' });
  });

  test('a host outside <service>.<namespace>.svc leaves the sidecar and DestinationRule namespaces unset', () => {
    const m = normalize(CTX, input({ host: 'api.example.com', lanes: [{ name: 's1', podLabels: { version: 'v1' } }], ...onSidecar }));
    expect([m.sidecar, m.destinationRule]).toEqual([{ hosts: ['api.example.com'], namespace: undefined, name: undefined }, { namespace: undefined, name: undefined }]);
  });

  test('custom-header propagation forwards the routing header, and the simulation reports that header', () => {
    const m = normalize(CTX, input({ routingHeader: 'x-lane' }));
    expect(m.propagation).toEqual({ kind: PropagationKind.CUSTOM_HEADER, forwarded: 'x-lane' });
    expect(markerOptions(m)).toEqual({ routingHeader: 'x-lane' });
  });

  test('baggage propagation on Istio carries the lane under a baggage key, which the simulation reports', () => {
    const m = normalize(CTX, input({ target: Target.ISTIO, propagation: Propagation.baggage({ key: 'tenant.lane' }) }));
    expect(m.propagation).toEqual({ kind: PropagationKind.BAGGAGE, forwarded: 'baggage', baggageKey: 'tenant.lane' });
    expect(markerOptions(m)).toEqual({ baggageKey: 'tenant.lane' });
  });

  const lanesWithLabels = [{ name: 's1', podLabels: { version: 'v1' } }];
  test.each<[string, Partial<LaneRoutingProps>, string]>([
    ['a lane that is not an object', { lanes: [undefined as any] }, `${CTX}: lane 1 name ${DNS_LABEL}, got undefined`],
    ['duplicate gateway hosts', { gateway: { gateways: ['a/b'], hosts: ['a.b', 'a.b'] } }, `${CTX}: gateway.hosts lists "a.b" twice`],
    ['object name with an underscore inside', { gateway: { gateways: ['a/b'], name: 'a_b' } }, `${CTX}: gateway.name ${OBJECT_NAME}, got "a_b"`],
    ['object name of 254 characters', { sidecar: { name: 'a'.repeat(254) } }, `${CTX}: sidecar.name ${OBJECT_NAME}, got "${'a'.repeat(59)}… (254 characters)`],
    ['object name that is not a string', { lanes: lanesWithLabels, destinationRule: { name: 123 as any } }, `${CTX}: destinationRule.name ${OBJECT_NAME}, got 123`],
    ['bad sidecar namespace', { sidecar: { namespace: 'Team' } }, `${CTX}: sidecar.namespace ${DNS_LABEL}, got "Team"`],
    ['bad DestinationRule namespace', { lanes: lanesWithLabels, destinationRule: { namespace: 'Team' } }, `${CTX}: destinationRule.namespace ${DNS_LABEL}, got "Team"`],
    ['a routing header given with baggage on Istio', { target: Target.ISTIO, routingHeader: 'x-lane', propagation: Propagation.baggage() },
      `${CTX}: routingHeader "x-lane" is not used with Propagation.baggage() on Target.ISTIO (the lane is the baggage entry lane=<lane>); remove it`],
    ['a routing header given with baggage on the Gateway API', { target: Target.GATEWAY_API, routingHeader: 'x-lane', propagation: Propagation.baggage() },
      `${CTX}: routingHeader "x-lane" is not used with Propagation.baggage() on Target.GATEWAY_API (the lane is the baggage entry lane=<lane>); remove it`],
    ['a baggage key that is not a W3C token', { target: Target.ISTIO, propagation: Propagation.baggage({ key: 'my lane' }) },
      `${CTX}: Propagation.baggage() key "my lane" is not a W3C baggage key: 1 to 64 letters, digits or !#$%&'*+-.^_|~`],
    ['a baggage key that is not a string, in a propagation not made by Propagation', {
      target: Target.ISTIO, propagation: { kind: PropagationKind.BAGGAGE, baggageKey: 42 } as any,
    }, `${CTX}: Propagation.baggage() key 42 is not a W3C baggage key: 1 to 64 letters, digits or !#$%&'*+-.^_|~`],
    ['trace-id propagation on upstream Istio', { target: Target.ISTIO, propagation: Propagation.traceId('x-b3-traceid') },
      `${CTX}: Propagation.traceId("x-b3-traceid") relies on ASM re-attaching the routing header along the trace; upstream Istio has no such machinery: use Propagation.customHeader() (the services forward the routing header) or Propagation.baggage()`],
    ['trace-id propagation on the Gateway API', { target: Target.GATEWAY_API, propagation: Propagation.traceId('x-b3-traceid') },
      `${CTX}: Propagation.traceId("x-b3-traceid") relies on ASM re-attaching the routing header along the trace; the Gateway API has no such machinery: use Propagation.customHeader() (the services forward the routing header) or Propagation.baggage()`],
    ['trace-id header in uppercase', { propagation: Propagation.traceId('X-B3') },
      `${CTX}: propagation traceId header must be a lowercase RFC 7230 token, got "X-B3" (header names must be lowercase: use "x-b3")`],
    ['a propagation not made by Propagation', { propagation: { kind: 'smoke' } as any },
      `${CTX}: propagation must be made with Propagation.traceId(), .customHeader() or .baggage(), got {"kind":"smoke"}`],
    ['a rule that is not an object', { rules: [undefined as any] }, `${CTX}: rule name must be a non-empty string, got undefined`],
    ['retries.perTryTimeout below 1ms', { routeOptions: { retries: { attempts: 1, perTryTimeout: Duration.millis(0) } } },
      `${CTX}: routeOptions retries.perTryTimeout must be a whole number of milliseconds, at least 1ms (Istio's minimum), got 0ms`],
    ['status codes in retryOn are three digits from 100 to 599', { routeOptions: { retries: { attempts: 1, retryOn: '503,0503,5030' } } },
      `${CTX}: routeOptions retries.retryOn has unknown conditions "0503,5030"; allowed: ${RETRY_ON_ALLOWED}, or HTTP status codes`],
    ['a status code Istio does not know in retryOn (it takes the codes of Go\'s http.StatusText)', { routeOptions: { retries: { attempts: 1, retryOn: '5xx,503,599,306' } } },
      `${CTX}: routeOptions retries.retryOn has unknown conditions "599,306"; allowed: ${RETRY_ON_ALLOWED}, or HTTP status codes`],
    ['a status code written with a sign (Istio reads it as the code; the model wants it plain)', { routeOptions: { retries: { attempts: 1, retryOn: '+503,-503' } } },
      `${CTX}: routeOptions retries.retryOn has unknown conditions "+503,-503"; allowed: ${RETRY_ON_ALLOWED}, or HTTP status codes`],
    ['a blank retryOn', { routeOptions: { retries: { attempts: 1, retryOn: ' ' } } },
      `${CTX}: routeOptions retries.retryOn has unknown conditions ""; allowed: ${RETRY_ON_ALLOWED}, or HTTP status codes`],
  ])('%s', (_name, overrides, message) => {
    expect(errorOf(overrides)).toEqual(message);
  });

  test('a retryOn condition as Istio reads it: a policy, or a code of Go\'s http.StatusText as strconv.Atoi reads it', () => {
    for (const ok of ['5xx', 'retriable-4xx', '503', '0503', '+503']) expect(isRetryOnPolicy(ok)).toBe(true);
    for (const bad of ['599', '-503', ' 503', '5e2', '503.0', 'x503', '503x', '']) expect(isRetryOnPolicy(bad)).toBe(false);
  });

  test('route options: 1ms and zero attempts are accepted; retryOn conditions with spaces are written without them, as Istio requires', () => {
    expect(normalizeRouteOptions('w', { timeout: Duration.millis(1), retries: { attempts: 0 } })).toEqual({
      timeout: '1ms', retries: { attempts: 0, perTryTimeout: undefined, retryOn: undefined },
    });
    expect(normalizeRouteOptions('w', { retries: { attempts: 2, retryOn: '5xx, reset ,503' } })).toEqual({
      retries: { attempts: 2, perTryTimeout: undefined, retryOn: '5xx,reset,503' },
    });
  });

  test.each([
    ['a retryOn', { attempts: 0, retryOn: '5xx' }],
    ['a perTryTimeout', { attempts: 0, perTryTimeout: Duration.seconds(1) }],
  ])('zero attempts (retries off) with %s is refused, as Istio refuses it', (_name, retries) => {
    expect(() => normalizeRouteOptions('w', { retries })).toThrow(
      'w retries.attempts is 0, which turns retries off, so perTryTimeout and retryOn cannot be set (Istio refuses such a policy); set attempts ≥ 1 or leave them out');
  });
});

describe('rules: match blocks', () => {
  const R = `${CTX}: rule "dev-route"`;
  const HEADERS = 'headers must be built with HeaderMatch.exact/prefix/regex/present/absent';
  const NO_LABELS = 'sourceLabels must name at least one label of the calling workload, e.g. { version: \'v2\' }';
  const notCalled = () => 'env';
  test.each<[string, Partial<LaneRoutingProps>, LaneRule[], string]>([
    ['a null match block', {}, [rule({ matches: [null as any] })],
      `${R} match 1 must be an object with headers, uri, authority, method, queryParams or sourceLabels, got null`],
    ['a match block that is a string', {}, [rule({ matches: ['dev' as any] })],
      `${R} match 1 must be an object with headers, uri, authority, method, queryParams or sourceLabels, got "dev"`],
    ['a null header', {}, [rule({ matches: [{ headers: [null as any] }] })], `${R} match 1: ${HEADERS}, got null`],
    ['a header without a name', {}, [rule({ matches: [{ headers: [{} as any] }] })], `${R} match 1: ${HEADERS}, got {}`],
    ['a header given as a function that was not called', {}, [rule({ matches: [{ headers: [notCalled as any] }] })],
      `${R} match 1: ${HEADERS}, got ${String(notCalled)}`],
    ['a query parameter twice in a block', {}, [rule({ matches: [{ queryParams: [QueryParamMatch.exact('q', '1'), QueryParamMatch.exact('q', '2')] }] })],
      `${R} match 1 queryParams lists "q" twice`],
    ['a uri that is a plain string', {}, [rule({ matches: [{ uri: '/api' as any }] })],
      `${R} match 1 uri must be built with StringMatch.exact/prefix/regex, got "/api"`],
    ['a method that is a plain string', {}, [rule({ matches: [{ method: 'GET' as any }] })],
      `${R} match 1 method must be built with StringMatch.exact/prefix/regex, got "GET"`],
    ['null sourceLabels', onSidecar, [rule({ matches: [{ sourceLabels: null as any }] })], `${R} match 1 ${NO_LABELS}, got null`],
    ['empty sourceLabels', onSidecar, [rule({ matches: [{ sourceLabels: {} }] })], `${R} match 1 ${NO_LABELS}, got {}`],
    ['sourceLabels that are a string', onSidecar, [rule({ matches: [{ sourceLabels: 'v2' as any }] })], `${R} match 1 ${NO_LABELS}, got "v2"`],
    ['a bad sourceLabels key', onSidecar, [rule({ matches: [{ sourceLabels: { 'bad key': 'v2' } }] })], `${R} match 1 sourceLabels key "bad key" ${LABEL_KEY}`],
    ['the same sourceLabels in another order', onSidecar, [
      rule({ matches: [{ sourceLabels: { app: 'mockb', version: 'v2' } }] }),
      rule({ name: 'again', matches: [{ sourceLabels: { version: 'v2', app: 'mockb' } }] }),
    ], `${CTX}: rule "again" match 1 repeats rule "dev-route" match 1, so it can never match (first match wins); remove it or merge the routes`],
    ['sourceLabels in any block of a rule at the gateway', {}, [rule({ matches: [...dev, { sourceLabels: { version: 'v2' } }] })],
      `${R} matches on sourceLabels (the calling workload), which a request entering through the gateway does not have; put the rule in a LaneRouting with only a sidecar entry point`],
    ['a weight above 100, before a negative one', {}, [rule({ split: [{ lane: 's2', weight: 110 }, { lane: 's3', weight: -10 }] })],
      `${R} lane "s2" weight must be an integer from 0 to 100, got 110`],
  ])('%s', (_name, overrides, rules, message) => {
    expect(errorOf({ ...overrides, rules })).toEqual(message);
  });

  test('a regex uri need not start with "/", and a block may hold only query parameters or only source labels', () => {
    const m = normalize(CTX, input({
      ...onSidecar,
      rules: [rule({
        matches: [{ uri: StringMatch.regex('.*/health') }, { queryParams: [QueryParamMatch.exact('debug', '1')] }, { sourceLabels: { version: 'v2' } }],
      })],
    }));
    const none = { headers: [], sourceLabels: undefined, uri: undefined, authority: undefined, method: undefined, queryParams: [] };
    expect(m.rules[0].matches).toEqual([
      { ...none, uri: { kind: 'regex', value: '.*/health' } },
      { ...none, queryParams: [{ name: 'debug', match: { kind: 'exact', value: '1' } }] },
      { ...none, sourceLabels: { version: 'v2' } },
    ]);
  });

  test('a lane is served by its own subset, or by the lane named in servedBy; a name the model does not know is its own', () => {
    const ctx = { lanes: [{ name: 's1' }, { name: 's3', servedBy: 's1' }] };
    expect(['s1', 's3', 's9'].map(l => subsetOf(ctx, l))).toEqual(['s1', 's1', 's9']);
  });
});

describe('route names and repeated matches across custom routes and rules', () => {
  const AFTER = RoutePlacement.AFTER_LANE_RULES;
  const repeats = (later: string, earlier: string) =>
    `${CTX}: ${later} match 1 repeats ${earlier} match 1, so it can never match (first match wins); remove it or merge the routes`;

  test('a rule cannot take the name of a custom route placed before the rules', () => {
    const model = normalize(CTX, input({ routesBefore: [health()] }));
    expect(messageOf(() => addRule(model, rule({ name: 'health' })))).toEqual(`${CTX}: rule "health": the name is already used by a custom route; route names must be unique`);
  });

  test('a rule repeating the match of a custom route before the rules could never match', () => {
    const model = normalize(CTX, input({ routesBefore: [health()] }));
    expect(messageOf(() => addRule(model, rule({ name: 'x', matches: health().matches })))).toEqual(repeats('rule "x"', 'custom route "health"'));
  });

  test('a custom route after the rules that repeats a rule\'s match could never match', () => {
    const model = normalize(CTX, input({ rules: [rule()] }));
    expect(messageOf(() => addCustomRoute(model, health({ name: 'late', matches: dev }), AFTER))).toEqual(repeats('custom route "late"', 'rule "dev-route"'));
  });

  test('a second custom route after the rules with the same match as the first could never match, whether the model was normalized or built up', () => {
    const normalized = normalize(CTX, input({ routesAfter: [health({ name: 'late' })] }));
    const built = addCustomRoute(normalize(CTX, input()), health({ name: 'late' }), AFTER);
    for (const model of [normalized, built]) {
      expect(messageOf(() => addCustomRoute(model, health({ name: 'later' }), AFTER))).toEqual(repeats('custom route "later"', 'custom route "late"'));
    }
    expect(messageOf(() => addRule(normalized, rule({ name: 'late' })))).toEqual(`${CTX}: rule "late": the name is already used by a custom route; route names must be unique`);
  });

  test('a VirtualService holds at most 1000 rules and custom routes, also when routes are added to a normalized model', () => {
    const rules = (n: number) => Array.from({ length: n }, (_, i) => rule({ name: `r${i + 1}`, matches: [{ headers: [HeaderMatch.exact('n', `${i + 1}`)] }] }));
    const limit = 'a VirtualService holds at most 1000 rules and custom routes; split the routing (one LaneRouting per service, or fewer rules with more match blocks)';
    expect(MAX_ROUTES).toEqual(1000);
    expect(errorOf({ rules: rules(1001) })).toEqual(`${CTX}: rule "r1001": ${limit}`);
    const full = normalize(CTX, input({ rules: rules(1000) }));
    expect(full.rules).toHaveLength(1000);
    expect(messageOf(() => addCustomRoute(full, health(), AFTER))).toEqual(`${CTX}: custom route "health": ${limit}`);
  });

  test('custom routes: a missing route, and a bad port on the second destination', () => {
    const model = normalize(CTX, input());
    expect(messageOf(() => addCustomRoute(model, undefined as any, AFTER))).toEqual(`${CTX}: custom route name must be a non-empty string, got undefined`);
    expect(messageOf(() => addCustomRoute(model, health({ destinations: [{ host: 'a.b.svc', weight: 50 }, { host: 'c.b.svc', weight: 50, port: 0 }] }), AFTER)))
      .toEqual(`${CTX}: custom route "health" destination 2 port must be an integer from 1 to 65535, got 0`);
  });
});

describe('baggage entry patterns', () => {
  test.each<[string, string, { key: string; value: string } | undefined]>([
    ['a pattern made for lane=s2', baggageEntryPattern('lane', 's2'), { key: 'lane', value: 's2' }],
    ['a pattern whose key has regex metacharacters', baggageEntryPattern('tenant.lane', 's2'), { key: 'tenant.lane', value: 's2' }],
    ['a pattern made for an empty key', baggageEntryPattern('', 's2'), { key: '', value: 's2' }],
    ['the same pattern with the key\'s dot left unquoted', baggageEntryPattern('tenant.lane', 's2').replace('tenant\\.lane', 'tenant.lane'), undefined],
    ['a plain entry', 'lane=s2', undefined],
  ])('%s parses back to its key and value, or to nothing', (_name, pattern, parsed) => {
    expect(parseBaggageEntryPattern(pattern)).toEqual(parsed);
  });

  test('the longest pattern (a key of 64 characters that all need quoting, a lane of 63) stays far under Istio\'s 1,024', () => {
    const lane = `a${'-'.repeat(61)}a`;
    expect(baggageEntryPattern('.'.repeat(64), lane).length).toBeLessThan(512);
    expect(() => normalize(CTX, input({ target: Target.ISTIO, propagation: Propagation.baggage({ key: '.'.repeat(64) }), lanes: [{ name: 's1' }, { name: lane }] }))).not.toThrow();
  });
});

describe('match keys', () => {
  test('the headers and query parameters of a block give one key in any order', () => {
    const h = (name: string) => ({ name, match: { kind: 'exact' as const, value: name } });
    const orders = [['a', 'b', 'c'], ['a', 'c', 'b'], ['b', 'a', 'c'], ['b', 'c', 'a'], ['c', 'a', 'b'], ['c', 'b', 'a']];
    const keys = orders.map(o => matchKey({ headers: o.map(n => ({ ...h(n), absent: false })), queryParams: [...o].reverse().map(h) }));
    expect(new Set(keys).size).toBe(1);
    expect(matchKey({ headers: [], queryParams: [h('a')] })).not.toBe(matchKey({ headers: [], queryParams: [h('b')] }));
  });
});

describe('lane group model', () => {
  const G = 'LaneGroup "app/shop"';
  function group(overrides: Partial<LaneGroupProps> = {}): LaneGroupProps {
    return {
      name: 'shop',
      target: Target.ISTIO,
      services: [{ name: 'mocka', namespace: 'default' }, { name: 'mockb', namespace: 'team-b', port: 8080 }],
      lanes: [
        { name: 's1', services: ['mocka', 'mockb'], podLabels: { version: 'v1' } },
        { name: 's2', services: ['mocka'], podLabels: { version: 'v2' } },
      ],
      baseline: 's1',
      ...overrides,
    };
  }
  const baseline = { name: 's1', services: ['mocka', 'mockb'], podLabels: { version: 'v1' } };

  test('props that are missing or not an object are refused', () => {
    expect(messageOf(() => normalizeGroup(G, undefined as any))).toEqual(`${G}: props are required`);
    expect(messageOf(() => normalizeGroup(G, 'shop' as any))).toEqual(`${G}: props are required`);
  });

  test.each<[string, Partial<LaneGroupProps>, string]>([
    ['unknown target', { target: 'KUMA' as Target }, `${G}: target must be Target.ASM, Target.ISTIO or Target.GATEWAY_API, got "KUMA"`],
    ['unknown mode', { mode: 'LOOSE' as Mode }, `${G}: mode must be Mode.PERMISSIVE or Mode.STRICT, got "LOOSE"`],
    ['cluster domain with a trailing dot', { clusterDomain: 'cluster.local.' }, `${G}: clusterDomain must be a lowercase DNS name such as "cluster.local", got "cluster.local."`],
    ['a cluster domain that is not a string', { clusterDomain: 42 as any }, `${G}: clusterDomain must be a lowercase DNS name such as "cluster.local", got 42`],
    ['a service that is not an object', { services: [undefined as any] }, `${G}: services[0].name ${DNS_LABEL}, got undefined`],
    ['bad service namespace', { services: [{ name: 'mocka', namespace: 'Team' }] }, `${G}: service "mocka" namespace ${DNS_LABEL}, got "Team"`],
    ['bad service port', { services: [{ name: 'mocka', namespace: 'default', port: 0 }] }, `${G}: service "mocka" port must be an integer from 1 to 65535, got 0`],
    ['no lanes', { lanes: [] }, `${G}: lanes must list at least one lane (the baseline)`],
    ['a lane that is not an object', { lanes: [undefined as any] }, `${G}: lanes[0].name ${DNS_LABEL}, got undefined`],
    ['a lane without services', { lanes: [{ name: 's1', podLabels: { version: 'v1' } } as any] }, `${G}: lane "s1" services must list the services it holds`],
    ['a service twice in a lane', { lanes: [{ ...baseline, services: ['mocka', 'mockb', 'mocka'] }] }, `${G}: lane "s1" services lists "mocka" twice`],
    ['a bad pod label', { lanes: [{ ...baseline, podLabels: { 'bad key': 'v1' } }] }, `${G}: lane "s1" podLabels key "bad key" ${LABEL_KEY}`],
    ['the same pod labels in another order', {
      lanes: [{ ...baseline, podLabels: { app: 'shop', version: 'v1' } }, { name: 's2', services: ['mocka'], podLabels: { version: 'v1', app: 'shop' } }],
    }, `${G}: lane "s2" podLabels are the same as lane "s1"'s, so both lanes would select the same pods`],
    ['a lane twice', { lanes: [baseline, { ...baseline, podLabels: { version: 'v2' } }] }, `${G}: lanes lists "s1" twice`],
    ['bad routing header', { routingHeader: 'X-Lane' }, `${G}: routingHeader must be a lowercase RFC 7230 token, got "X-Lane" (header names must be lowercase: use "x-lane")`],
    ['bad ASM namespace', { target: Target.ASM, asmGeneratedNamespace: 'Istio' }, `${G}: asmGeneratedNamespace ${DNS_LABEL}, got "Istio"`],
    ['trace-id propagation on the baggage header', { target: Target.ASM, propagation: Propagation.traceId('baggage') },
      `${G}: Propagation.traceId("baggage"): the baggage header is Propagation.baggage()`],
  ])('%s', (_name, overrides, message) => {
    expect(messageOf(() => normalizeGroup(G, group(overrides)))).toEqual(message);
  });

  test('service hosts end in the cluster domain, which may be one label or have one-letter labels', () => {
    const hosts = (clusterDomain?: string) => normalizeGroup(G, group({ clusterDomain })).services.map(s => s.host);
    expect([hosts(), hosts('c'), hosts('my.k8s.x')]).toEqual([
      ['mocka.default.svc.cluster.local', 'mockb.team-b.svc.cluster.local'],
      ['mocka.default.svc.c', 'mockb.team-b.svc.c'],
      ['mocka.default.svc.my.k8s.x', 'mockb.team-b.svc.my.k8s.x'],
    ]);
  });

  test.each<[string, string | undefined, string | undefined, string]>([
    ['mocka', 'team-a', undefined, 'mocka.team-a.svc.cluster.local'],
    ['mocka', 'team-a', 'c', 'mocka.team-a.svc.c'],
    ['*', 'team-a', undefined, '*'],
    ['mocka.team-b', 'team-a', undefined, 'mocka.team-b'],
    ['mocka', undefined, undefined, 'mocka'],
  ])('host %s written in namespace %s (cluster domain %s) resolves to %s', (host, namespace, domain, resolved) => {
    expect(qualifyHost(host, namespace, domain)).toEqual(resolved);
  });

  test('a service a lane does not hold is served by the baseline, and each lane\'s rule matches the routing header', () => {
    const g = normalizeGroup(G, group({ routingHeader: 'x-lane' }));
    expect(laneMarkerProps(g)).toEqual({ routingHeader: 'x-lane' });
    expect(serviceRoutingProps(g, g.services[1])).toEqual({
      target: Target.ISTIO,
      mode: Mode.PERMISSIVE,
      routingHeader: 'x-lane',
      host: 'mockb.team-b.svc.cluster.local',
      port: 8080,
      lanes: [{ name: 's1', podLabels: { version: 'v1' } }, { name: 's2', servedBy: 's1' }],
      baseline: 's1',
      rules: [{ name: 'lane-s2', matches: [{ headers: [HeaderMatch.exact('x-lane', 's2')] }], split: [{ lane: 's2' }] }],
      routeOptions: undefined,
      sidecar: { name: 'shop-mockb', namespace: 'team-b' },
      destinationRule: { name: 'shop-mockb', namespace: 'team-b' },
    });
  });

  test('with the lane in baggage, a service\'s routing carries the baggage key and has no lane rules of its own', () => {
    const g = normalizeGroup(G, group({ propagation: Propagation.baggage({ key: 'tenant.lane' }) }));
    expect(laneMarkerProps(g)).toEqual({ propagation: Propagation.baggage({ key: 'tenant.lane' }) });
    const props = serviceRoutingProps(g, g.services[0]);
    expect([props.propagation, props.routingHeader, props.rules]).toEqual([Propagation.baggage({ key: 'tenant.lane' }), undefined, []]);
  });

  test('on the Gateway API a service\'s routing has lane Services and no DestinationRule', () => {
    const laneServices = { selector: { app: 'mocka' }, ports: [{ port: 80 }] };
    const g = normalizeGroup(G, group({
      target: Target.GATEWAY_API,
      services: [{ name: 'mocka', namespace: 'default', laneServices }, { name: 'mockb', namespace: 'team-b', laneServices }],
    }));
    const props = serviceRoutingProps(g, g.services[0]);
    expect([props.laneServices, props.destinationRule, props.sidecar]).toEqual([laneServices, undefined, { name: 'shop-mocka', namespace: 'default' }]);
    expect(Object.keys(props)).not.toContain('destinationRule');
  });
});
