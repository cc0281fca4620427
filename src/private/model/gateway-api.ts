/**
 * The lane model on the Kubernetes Gateway API (Target.GATEWAY_API): what it can express, checked with a
 * message naming the feature and the alternative, and the order of its rules. HTTPRoute rules are not tried in
 * list order: the most specific match wins (exact path, then the longest prefix, the method, the most header
 * matches, the most query matches), and equal matches keep list order within one route. The declared order of
 * the lane model must therefore equal that precedence wherever two matches can take the same request.
 */
import { LaneModel, LaneServicePortModel, MatchBlock, ModelLane } from './types';
import { LaneServices } from '../../lane';
import { Mode } from '../../mode';
import { Target } from '../../target';
import { checkDnsLabel, checkLabel, checkPort, compileRe2, list, quoteMeta, show } from '../validation/values';

/** The Gateway API's limits (v1.4.0, standard channel). */
export const GATEWAY_API_LIMITS = {
  rules: 16, backendRefs: 16, headerMatches: 16, queryMatches: 16, matchesPerRule: 64, matches: 128, hostnames: 16, parentRefs: 32,
};

/** The Service of a lane: the one rendered for it (`<service>-<lane>`), or the one it names. */
export function laneServiceName(model: LaneModel, lane: string): string {
  // a lane of the model: the model's lanes and rules were checked against each other
  const own = model.lanes.find(l => l.name === lane)!;
  const serving = own.servedBy !== undefined ? model.lanes.find(l => l.name === own.servedBy)! : own;
  return serving.serviceName ?? `${serviceNameOf(model.host)}-${serving.name}`;
}

/** `mocka` of `mocka.default.svc.cluster.local`. */
export function serviceNameOf(host: string): string {
  return host.split('.')[0];
}

/** The lane Services' ports, checked (Target.GATEWAY_API); undefined for the other targets. */
export function normalizeLaneServices(context: string, target: Target, s: LaneServices | undefined, lanes: readonly ModelLane[]): LaneModel['laneServices'] {
  if (target !== Target.GATEWAY_API) {
    if (s !== undefined) throw new Error(`${context}: laneServices is for Target.GATEWAY_API (a Service per lane); the meshes select lanes by subsets: remove it`);
    const named = lanes.find(l => l.serviceName !== undefined);
    if (named) throw new Error(`${context}: lane ${show(named.name)} serviceName is for Target.GATEWAY_API (a Service per lane): remove it`);
    return undefined;
  }
  for (const l of lanes) {
    if (l.serviceName !== undefined) {
      checkDnsLabel(`${context}: lane ${show(l.name)} serviceName`, l.serviceName);
      if (l.podLabels) throw new Error(`${context}: lane ${show(l.name)} has podLabels and serviceName; give podLabels (a Service is rendered) or the name of its existing Service`);
      if (l.servedBy !== undefined) throw new Error(`${context}: lane ${show(l.name)} has servedBy and serviceName; a lane served by another lane uses that lane's Service`);
    } else if (!l.podLabels && l.servedBy === undefined) {
      throw new Error(`${context}: lane ${show(l.name)} has no Service on Target.GATEWAY_API (backends are Services, not subsets): give it podLabels (with laneServices), serviceName, or servedBy another lane`);
    }
  }
  if (s === undefined) {
    const labelled = lanes.find(l => l.podLabels);
    if (labelled) throw new Error(`${context}: lane ${show(labelled.name)} has podLabels, so Target.GATEWAY_API renders its Service: give laneServices (the selector and ports of the service's pods)`);
    return undefined;
  }
  const entries = Object.entries(s.selector ?? {});
  if (entries.length === 0) throw new Error(`${context}: laneServices.selector must name at least one label of the service's pods, e.g. { app: 'mocka' }`);
  for (const [k, v] of entries) checkLabel(`${context}: laneServices.selector`, k, v);
  if (!Array.isArray(s.ports) || s.ports.length === 0) throw new Error(`${context}: laneServices.ports must list at least one port`);
  const ports: LaneServicePortModel[] = s.ports.map((p, i) => {
    checkPort(`${context}: laneServices.ports[${i}].port`, p.port);
    if (p.targetPort !== undefined) checkPort(`${context}: laneServices.ports[${i}].targetPort`, p.targetPort);
    if (p.name !== undefined) checkDnsLabel(`${context}: laneServices.ports[${i}].name`, p.name);
    return { port: p.port, targetPort: p.targetPort, name: p.name };
  });
  if (ports.length > 1 && ports.some(p => p.name === undefined)) throw new Error(`${context}: laneServices.ports: a Service with several ports names each of them`);
  return { selector: Object.fromEntries(entries), ports };
}

/** The port the routes send requests to: the routing's port, else the lane Services' only port. */
export function backendPort(model: LaneModel): number | undefined {
  return model.port ?? (model.laneServices?.ports.length === 1 ? model.laneServices.ports[0].port : undefined);
}

/** Refuses what the Gateway API cannot express, naming the feature and the alternative. */
export function checkGatewayApi(model: LaneModel): void {
  if (model.target !== Target.GATEWAY_API) return;
  const c = model.context;
  if (model.mode === Mode.STRICT) {
    throw new Error(`${c}: Mode.STRICT selects lanes by the caller's pod labels, which HTTPRoutes cannot match; use Mode.PERMISSIVE (the routing header) or Target.ISTIO`);
  }
  if (model.destinationRule) throw new Error(`${c}: destinationRule: the Gateway API has no subsets (each lane is a Service); remove it`);
  if (backendPort(model) === undefined) {
    throw new Error(`${c}: HTTPRoute backends need a port: set port, or give laneServices a single port`);
  }
  const port = backendPort(model)!;
  if (model.laneServices && !model.laneServices.ports.some(p => p.port === port)) {
    throw new Error(`${c}: port ${port} is not among the lane Services' ports (${model.laneServices.ports.map(p => p.port).join(', ')}); the routes would send requests to a port the Services do not have`);
  }
  for (const l of model.lanes.filter(x => x.podLabels)) {
    const name = `${serviceNameOf(model.host)}-${l.name}`;
    if (name.length > 63) throw new Error(`${c}: lane ${show(l.name)}: its Service name ${show(name)} is ${name.length} characters; a Service name has at most 63 (shorten the lane name, or give serviceName)`);
  }
  if (model.gateway) {
    const hosts = model.gateway.hosts;
    if (hosts.includes('*') && hosts.length > 1) {
      throw new Error(`${c}: gateway.hosts ${show(hosts)}: an HTTPRoute takes either every hostname (no hostnames) or the ones it lists; remove "*" or the other hosts`);
    }
    if (hosts.length > GATEWAY_API_LIMITS.hostnames) throw new Error(`${c}: gateway.hosts lists ${hosts.length} hosts; an HTTPRoute holds at most ${GATEWAY_API_LIMITS.hostnames} hostnames`);
    if (model.gateway.gateways.length > GATEWAY_API_LIMITS.parentRefs) throw new Error(`${c}: gateway.gateways lists ${model.gateway.gateways.length} gateways; an HTTPRoute holds at most ${GATEWAY_API_LIMITS.parentRefs} parentRefs`);
  }
  if (model.sidecar && (model.sidecar.hosts.length !== 1 || model.sidecar.hosts[0] !== model.host)) {
    throw new Error(`${c}: sidecar.hosts ${show(model.sidecar.hosts)}: a mesh HTTPRoute is bound to its Service (${model.host}) alone; remove hosts`);
  }
  if (model.routeOptions.retries) {
    throw new Error(`${c}: routeOptions.retries: HTTPRoute retries are in the Gateway API's experimental channel, not in the standard channel this target renders; remove retries`);
  }
  const routes = [...model.routesBefore, ...model.rules, ...model.routesAfter, model.defaultRoute];
  if (routes.length > GATEWAY_API_LIMITS.rules) {
    throw new Error(`${c}: ${routes.length} rules and custom routes (with the default route); an HTTPRoute holds at most ${GATEWAY_API_LIMITS.rules}: merge rules, or split the routing`);
  }
  // a rule without matches holds one: the HTTPRoute's schema defaults it to a path prefix "/", and counts it
  const total = routes.reduce((n, r) => n + Math.max(1, r.matches.length), 0);
  if (total > GATEWAY_API_LIMITS.matches) throw new Error(`${c}: ${total} match blocks, counting one for each rule without matches (the default route's among them); an HTTPRoute holds at most ${GATEWAY_API_LIMITS.matches}`);
  for (const r of [...model.routesBefore, ...model.routesAfter]) {
    if (r.options.retries) throw new Error(`${c}: custom route ${show(r.name)} retries: not in the Gateway API's standard channel; remove them`);
    for (const d of r.destinations) {
      if (d.subset !== undefined) throw new Error(`${c}: custom route ${show(r.name)}: destination subset ${show(d.subset)}: the Gateway API has no subsets; send it to a lane's Service host`);
      if (d.port === undefined) throw new Error(`${c}: custom route ${show(r.name)}: destination ${show(d.host)} needs a port (HTTPRoute backends name one)`);
      if (!/^[a-z0-9-]+\.[a-z0-9-]+\.svc\./.test(d.host)) throw new Error(`${c}: custom route ${show(r.name)}: destination ${show(d.host)} must be a Service host <name>.<namespace>.svc.<domain>`);
    }
  }
  for (const r of [...model.rules, model.defaultRoute]) {
    if (r.split.length > GATEWAY_API_LIMITS.backendRefs) {
      throw new Error(`${c}: rule ${show(r.name)} splits between ${r.split.length} lanes; an HTTPRoute rule holds at most ${GATEWAY_API_LIMITS.backendRefs} backends`);
    }
  }
  for (const r of [...model.routesBefore, ...model.routesAfter]) {
    if (r.destinations.length > GATEWAY_API_LIMITS.backendRefs) {
      throw new Error(`${c}: custom route ${show(r.name)} has ${r.destinations.length} destinations; an HTTPRoute rule holds at most ${GATEWAY_API_LIMITS.backendRefs} backends`);
    }
  }
  for (const r of routes) {
    const where = `${c}: ${r === model.defaultRoute ? 'default route' : `route ${show(r.name)}`}`;
    if (!RULE_NAME.test(r.name)) throw new Error(`${where}: an HTTPRoute rule name is lowercase letters, digits, "-" and "." (a DNS subdomain), at most 253 characters`);
    if (r.matches.length > GATEWAY_API_LIMITS.matchesPerRule) throw new Error(`${where} has ${r.matches.length} match blocks; an HTTPRoute rule holds at most ${GATEWAY_API_LIMITS.matchesPerRule}`);
  }
  for (const t of [model.routeOptions.timeout, ...[...model.routesBefore, ...model.routesAfter].map(r => r.options.timeout)]) {
    if (t !== undefined && !GATEWAY_DURATION.test(t)) throw new Error(`${c}: timeout ${show(t)}: a Gateway API duration has at most 5 digits per unit (e.g. 99999s); use a shorter timeout`);
  }
  // the default route has no match blocks: only the other routes' are checked
  for (const r of routes) for (const m of r.matches) checkMatch(`${c}: route ${show(r.name)}`, m);
  checkOrder(c, routes);
}

function checkMatch(where: string, m: MatchBlock): void {
  if (m.sourceLabels) throw new Error(`${where} matches the caller's labels (sourceLabels), which HTTPRoutes cannot match; use Target.ISTIO`);
  if (m.authority) throw new Error(`${where} matches the authority; on the Gateway API the hostnames of the route do that: use gateway.hosts`);
  if (m.headers.length > GATEWAY_API_LIMITS.headerMatches) throw new Error(`${where} has ${m.headers.length} header matches; an HTTPRoute match holds at most ${GATEWAY_API_LIMITS.headerMatches}`);
  for (const h of m.headers) {
    if (h.absent) throw new Error(`${where} header ${show(h.name)}: the Gateway API cannot match an absent header (no withoutHeaders); match what the other requests carry instead`);
    if (!h.match) throw new Error(`${where} header ${show(h.name)}: the Gateway API cannot match a header's presence; use HeaderMatch.regex(${show(h.name)}, '.*')`);
    if (h.match.kind === 'prefix') {
      throw new Error(`${where} header ${show(h.name)}: a prefix match (HeaderMatch.prefix, ${show(h.match.value)}) is not in the Gateway API, which matches headers Exact or `
        + `RegularExpression only; use HeaderMatch.regex(${show(h.name)}, ${show(`${quoteMeta(h.match.value)}.*`)})`);
    }
    if (h.name.startsWith(':')) throw new Error(`${where} header ${show(h.name)}: the Gateway API matches no pseudo-header; match the path, method or hostname instead`);
  }
  if (m.queryParams.length > GATEWAY_API_LIMITS.queryMatches) throw new Error(`${where} has ${m.queryParams.length} query matches; an HTTPRoute match holds at most ${GATEWAY_API_LIMITS.queryMatches}`);
  for (const q of m.queryParams) {
    if (q.match.kind === 'prefix') {
      throw new Error(`${where} query parameter ${show(q.name)}: a prefix match (${show(q.match.value)}) is not in the Gateway API, which matches query parameters Exact or `
        + `RegularExpression only; use QueryParamMatch.regex(${show(q.name)}, ${show(`${quoteMeta(q.match.value)}.*`)})`);
    }
  }
  if (m.uri && m.uri.kind !== 'exact') {
    throw new Error(`${where} uri ${m.uri.kind}: a Gateway API PathPrefix matches whole path segments ("/api" does not take "/apix", unlike Istio's prefix) and a regex path's precedence is implementation-specific; use StringMatch.exact, or Target.ISTIO`);
  }
  if (m.uri && (/\/\/|\/\.\.?(\/|$)|%2f|#/i.test(m.uri.value))) {
    throw new Error(`${where} uri exact ${show(m.uri.value)}: the Gateway API refuses paths with "//", "/./", "/../", "%2f" or "#"`);
  }
  if (m.method && (m.method.kind !== 'exact' || !METHODS.includes(m.method.value))) {
    throw new Error(`${where} method ${m.method.kind} ${show(m.method.value)}: the Gateway API matches one of ${list(METHODS)} exactly`);
  }
}

/** An HTTPRoute rule name (a DNS subdomain). */
const RULE_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** The Gateway API's Duration (GEP-2257). */
const GATEWAY_DURATION = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];

/**
 * A match's Gateway API precedence, highest first: an exact path (else the implicit prefix "/"), the length of
 * the path, a method, the number of header matches, the number of query matches.
 */
export function precedence(m: MatchBlock | undefined): number[] {
  const exact = m?.uri?.kind === 'exact';
  return [exact ? 1 : 0, exact ? m!.uri!.value.length : 1, m?.method ? 1 : 0, m?.headers.length ?? 0, m?.queryParams.length ?? 0];
}

function compare(a: readonly number[], b: readonly number[]): number {
  // Stryker disable next-line EqualityOperator: past the end both are undefined, which never differ
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Whether an RE2 pattern takes the whole of `value` (Envoy's regex match). */
function fullMatch(pattern: string, value: string): boolean {
  return compileRe2(pattern).matches(value);
}

/** False when no request can take both matches (an exact path, method, header or query value differs). */
function mayOverlap(a: MatchBlock | undefined, b: MatchBlock | undefined): boolean {
  // Stryker disable next-line ConditionalExpression,LogicalOperator,BooleanLiteral: the one route without blocks is the default route, last and least specific, which compare() has already passed over
  if (!a || !b) return true;
  if (a.uri && b.uri && a.uri.value !== b.uri.value) return false;
  if (a.method && b.method && a.method.value !== b.method.value) return false;
  // exact or regex values only: checkMatch() has refused presence, absence and prefixes on the Gateway API
  const disjoint = (p: { kind: string; value: string }, q: { kind: string; value: string }): boolean => {
    if (p.kind === 'exact' && q.kind === 'exact') return p.value !== q.value;
    if (p.kind === 'exact') return !fullMatch(q.value, p.value);
    if (q.kind === 'exact') return !fullMatch(p.value, q.value);
    // two regexes: taken as able to take the same request
    return false;
  };
  const differs = <T extends { name: string; match?: { kind: string; value: string } }>(x: readonly T[], y: readonly T[]) =>
    x.some(h => y.some(k => k.name === h.name && disjoint(h.match!, k.match!)));
  return !differs(a.headers, b.headers) && !differs(a.queryParams as any, b.queryParams as any);
}

/**
 * Refuses an order that the Gateway API would change: a later route with a match more specific than an earlier
 * route's, when a request can take both.
 */
function checkOrder(context: string, routes: ReadonlyArray<{ readonly name: string; readonly matches: readonly MatchBlock[] }>): void {
  // Stryker disable next-line ArrayDeclaration: see mayOverlap(): the default route's block is never compared
  const blocks = routes.flatMap((r, i) => (r.matches.length ? r.matches : [undefined]).map(m => ({ route: r.name, index: i, m, p: precedence(m) })));
  // Stryker disable next-line EqualityOperator: past the last block the inner loop runs no step
  for (let a = 0; a < blocks.length; a++) {
    for (let b = a + 1; b < blocks.length; b++) {
      const first = blocks[a];
      const later = blocks[b];
      if (first.index === later.index || compare(later.p, first.p) <= 0 || !mayOverlap(first.m, later.m)) continue;
      throw new Error(`${context}: routes ${show(first.route)} and ${show(later.route)} would swap on the Gateway API, which tries the more specific match first `
        + `(${describe(later.p)} before ${describe(first.p)}) where the declared order tries ${show(first.route)} first; put ${show(later.route)} first, or give ${show(first.route)} as many conditions`);
    }
  }
}

function describe(p: readonly number[]): string {
  const [exact, length, method, headers, queries] = p;
  return [exact ? `an exact path of ${length} characters` : 'no path', method ? 'a method' : '', `${headers} header match${headers === 1 ? '' : 'es'}`, queries ? `${queries} query match${queries === 1 ? '' : 'es'}` : '']
    .filter(Boolean).join(', ');
}
