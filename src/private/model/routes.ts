/**
 * Normalizing and checking routes: match blocks, splits, lane rules, custom routes, timeouts and
 * retries, and the checks across all routes of a VirtualService (unique names, no unreachable match).
 */
import { Duration } from 'cdk8s';
import {
  CustomRouteModel, Destination, LaneModel, MatchBlock, MatchKind, ModelLane, PlainStringMatch, RetriesModel, RouteOptionsModel,
} from './types';
import { LaneDestination } from '../../lane';
import { RequestMatch, StringMatch } from '../../match';
import { CustomRoute, RouteOptions, RoutePlacement } from '../../route';
import { LaneRule } from '../../rule';
import { Target } from '../../target';
import { checkDnsLabel, checkLabel, checkNoControlChars, checkPort, checkQualifiedHost, list, show } from '../validation/values';

export function checkRuleName(what: string, value: string): void {
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw new Error(`${what} must be a non-empty string, got ${show(value)}`);
  }
  checkNoControlChars(what, value);
}

export function noDuplicates(what: string, values: readonly string[]): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) throw new Error(`${what} lists ${show(v)} twice`);
    seen.add(v);
  }
}

function plain(m: StringMatch): PlainStringMatch {
  return { kind: m.kind as MatchKind, value: m.value };
}

function isStringMatch(value: unknown): value is StringMatch {
  return value instanceof StringMatch;
}

export function normalizeMatch(where: string, block: RequestMatch): MatchBlock {
  if (block === null || typeof block !== 'object') {
    throw new Error(`${where} must be an object with headers, uri, authority, method, queryParams or sourceLabels, got ${show(block)}`);
  }
  const headers = (block.headers ?? []).map(h => {
    if (!h || typeof h !== 'object' || typeof (h as any).name !== 'string') {
      throw new Error(`${where}: headers must be built with HeaderMatch.exact/prefix/regex/present/absent, got ${show(h)}`);
    }
    return { name: h.name, match: h.match ? plain(h.match) : undefined, absent: h.isAbsent };
  });
  noDuplicates(`${where} headers`, headers.map(h => h.name));
  const queryParams = (block.queryParams ?? []).map(q => ({ name: q.name, match: plain(q.match) }));
  noDuplicates(`${where} queryParams`, queryParams.map(q => q.name));
  for (const [field, m] of [['uri', block.uri], ['authority', block.authority], ['method', block.method]] as const) {
    if (m !== undefined && !isStringMatch(m)) {
      throw new Error(`${where} ${field} must be built with StringMatch.exact/prefix/regex, got ${show(m)}`);
    }
  }
  const uri = block.uri ? plain(block.uri) : undefined;
  if (uri && uri.kind !== 'regex' && !uri.value.startsWith('/')) {
    throw new Error(`${where} uri ${uri.kind} ${show(uri.value)} must start with "/"`);
  }
  const method = block.method ? plain(block.method) : undefined;
  const authority = block.authority ? plain(block.authority) : undefined;
  let sourceLabels: { [key: string]: string } | undefined;
  if (block.sourceLabels !== undefined) {
    const entries = block.sourceLabels && typeof block.sourceLabels === 'object' ? Object.entries(block.sourceLabels) : [];
    if (entries.length === 0) {
      throw new Error(`${where} sourceLabels must name at least one label of the calling workload, e.g. { version: 'v2' }, got ${show(block.sourceLabels)}`);
    }
    for (const [k, v] of entries) checkLabel(`${where} sourceLabels`, k, v);
    sourceLabels = Object.fromEntries(entries);
  }
  if (headers.length === 0 && queryParams.length === 0 && !uri && !authority && !method && !sourceLabels) {
    throw new Error(`${where} has no condition, so it would match every request; give it headers, uri, authority, method, queryParams or sourceLabels (the default route already catches the rest)`);
  }
  return { headers, sourceLabels, uri, authority, method, queryParams };
}

interface RuleContext {
  readonly context: string;
  readonly lanes: readonly ModelLane[];
  readonly target: Target;
}

/** The subset that serves `lane`: its own, or that of the lane it is served by. */
export function subsetOf(ctx: { readonly lanes: readonly ModelLane[] }, lane: string): string {
  return ctx.lanes.find(l => l.name === lane)?.servedBy ?? lane;
}

export function normalizeSplit(ctx: RuleContext, where: string, split: LaneDestination[]): Destination[] {
  if (!Array.isArray(split) || split.length === 0) {
    throw new Error(`${where} split must name at least one lane`);
  }
  const names = ctx.lanes.map(l => l.name);
  const known = (field: string, lane: string) => {
    if (!names.includes(lane)) throw new Error(`${where} ${field} ${show(lane)} is not a lane (lanes: ${list(names)})`);
  };
  split.forEach(d => known('lane', d.lane));
  noDuplicates(`${where} split`, split.map(d => d.lane));
  for (const d of split) {
    if (d.fallbackLane === undefined) continue;
    known(`lane ${show(d.lane)} fallbackLane`, d.fallbackLane);
    if (d.fallbackLane === d.lane) {
      throw new Error(`${where} lane ${show(d.lane)} cannot fall back to itself; name another lane, usually the baseline`);
    }
    if (subsetOf(ctx, d.fallbackLane) === subsetOf(ctx, d.lane)) {
      throw new Error(`${where} lane ${show(d.lane)} is already served by subset ${show(subsetOf(ctx, d.lane))}, so a fallback to lane ${show(d.fallbackLane)} changes nothing; remove fallbackLane`);
    }
    if (ctx.target === Target.GATEWAY_API) {
      throw new Error(`${where} lane ${show(d.lane)} has fallbackLane ${show(d.fallbackLane)}, but the Gateway API has no fallback between backends; use target: Target.ASM or remove fallbackLane`);
    }
    if (ctx.target !== Target.ASM) {
      throw new Error(`${where} lane ${show(d.lane)} has fallbackLane ${show(d.fallbackLane)}, but fallback is an ASM-only field that upstream Istio drops; use target: Target.ASM or remove fallbackLane`);
    }
  }
  if (split.length === 1) {
    const w = split[0].weight;
    if (w !== undefined && w !== 100) {
      throw new Error(`${where} sends every request to lane ${show(split[0].lane)}, so its weight must be 100 or omitted, got ${show(w)}`);
    }
    return [{ lane: split[0].lane, weight: 100, fallbackLane: split[0].fallbackLane }];
  }
  for (const d of split) {
    if (d.weight === undefined) {
      throw new Error(`${where} lane ${show(d.lane)} needs a weight: every lane of a split with two or more lanes has an integer weight, and the weights sum to 100`);
    }
    if (!Number.isInteger(d.weight) || d.weight < 0 || d.weight > 100) {
      throw new Error(`${where} lane ${show(d.lane)} weight must be an integer from 0 to 100, got ${show(d.weight)}`);
    }
  }
  const sum = split.reduce((s, d) => s + d.weight!, 0);
  if (sum !== 100) {
    throw new Error(`${where} weights must sum to 100, got ${split.map(d => d.weight).join(' + ')} = ${sum}`);
  }
  return split.map(d => ({ lane: d.lane, weight: d.weight!, fallbackLane: d.fallbackLane }));
}

/** Canonical text of a match block: two blocks with the same key match the same requests. */
export function matchKey(block: MatchBlock): string {
  // Stryker disable next-line EqualityOperator,ConditionalExpression: V8's sort orders distinct names alike whether the comparator answers 0 or 1 when a is not less
  const byName = <T extends { name: string }>(xs: readonly T[]) => [...xs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const labels = block.sourceLabels ? Object.entries(block.sourceLabels).sort() : undefined;
  return JSON.stringify({
    h: byName(block.headers),
    s: labels,
    u: block.uri,
    a: block.authority,
    m: block.method,
    q: byName(block.queryParams),
    p: block.port,
    n: block.sourceNamespace,
    x: block.notSourceNamespaces,
    hn: block.hostnames,
    xh: block.notHostnames,
  });
}

/**
 * Routes per VirtualService (custom routes and rules; the default route comes on top): a documented ceiling
 * far above real use, so that a runaway input fails fast with a message rather than slowly or at apply time.
 */
export const MAX_ROUTES = 1_000;

type Position = 'before' | 'rule' | 'after';
const ORDER: { [p in Position]: number } = { before: 0, rule: 1, after: 2 };

/** What the route checks need to know of a model's routes: their names and match keys, with render order. */
interface RouteIndex {
  readonly names: Map<string, Position>;
  readonly keys: Map<string, { label: string; position: Position }>;
  count: number;
}

/** Built once per model, then handed on to the next model (models are immutable and replaced on every change). */
const INDEXES = new WeakMap<LaneModel, RouteIndex>();

function indexOf(model: LaneModel): RouteIndex {
  let index = INDEXES.get(model);
  // Stryker disable next-line ConditionalExpression: the index only saves time; one built again is the same
  if (!index) {
    index = { names: new Map(), keys: new Map(), count: 0 };
    const add = (position: Position, label: string, name: string, matches: readonly MatchBlock[]) => {
      index!.names.set(name, position);
      matches.forEach((m, i) => index!.keys.set(matchKey(m), { label: `${label} match ${i + 1}`, position }));
      index!.count++;
    };
    model.routesBefore.forEach(r => add('before', `custom route ${show(r.name)}`, r.name, r.matches));
    model.rules.forEach(r => add('rule', `rule ${show(r.name)}`, r.name, r.matches));
    model.routesAfter.forEach(r => add('after', `custom route ${show(r.name)}`, r.name, r.matches));
    INDEXES.set(model, index);
  }
  return index;
}

/**
 * Checks a route about to be appended at `position` (custom routes before the rules, a rule, custom routes
 * after them): a unique name (the default route's included), the route ceiling, and no match block that an
 * earlier route takes (first match wins, so it could never match) or that takes a later route's. Linear in
 * the route's blocks, whatever the number of routes.
 */
function checkNewRoute(model: LaneModel, position: Position, label: string, name: string, matches: readonly MatchBlock[]): void {
  const index = indexOf(model);
  if (name === model.defaultRoute.name) {
    throw new Error(`${model.context}: ${label}: the name is already used by the default route (set defaultRouteName to another name); route names must be unique`);
  }
  const taken = index.names.get(name);
  if (taken !== undefined) {
    const what = taken !== 'rule' ? 'a custom route' : position === 'rule' ? 'another rule' : 'a rule';
    throw new Error(`${model.context}: ${label}: the name is already used by ${what}; route names must be unique`);
  }
  if (index.count >= MAX_ROUTES) {
    throw new Error(`${model.context}: ${label}: a VirtualService holds at most ${MAX_ROUTES} rules and custom routes; split the routing (one LaneRouting per service, or fewer rules with more match blocks)`);
  }
  const own = new Map<string, number>();
  matches.forEach((m, i) => {
    const key = matchKey(m);
    const self = own.get(key);
    if (self !== undefined) {
      throw new Error(`${model.context}: ${label} match ${i + 1} repeats ${label} match ${self}, so it can never match (first match wins); remove it or merge the routes`);
    }
    own.set(key, i + 1);
    const other = index.keys.get(key);
    if (!other) return;
    // the new route comes after every route at its position or earlier, and before the later positions
    if (ORDER[other.position] <= ORDER[position]) {
      throw new Error(`${model.context}: ${label} match ${i + 1} repeats ${other.label}, so it can never match (first match wins); remove it or merge the routes`);
    }
    throw new Error(`${model.context}: ${other.label} repeats ${label} match ${i + 1}, so it can never match (first match wins); remove it or merge the routes`);
  });
}

/** Lets the index of `model` go (it is rebuilt on the next change): a model at rest keeps no index in memory. */
// Stryker disable next-line BlockStatement: memory only; the index is rebuilt when it is missing
export function releaseRouteIndex(model: LaneModel): void {
  INDEXES.delete(model);
}

/** Hands the index on to the model with the new route appended (after `checkNewRoute` passed). */
function indexed(model: LaneModel, next: LaneModel, position: Position, label: string, name: string, matches: readonly MatchBlock[]): LaneModel {
  const index = indexOf(model);
  INDEXES.delete(model);
  index.names.set(name, position);
  matches.forEach((m, i) => index.keys.set(matchKey(m), { label: `${label} match ${i + 1}`, position }));
  index.count++;
  INDEXES.set(next, index);
  return next;
}

function normalizeMatches(where: string, matches: RequestMatch[]): MatchBlock[] {
  if (!Array.isArray(matches) || matches.length === 0) {
    throw new Error(`${where} needs at least one match block; requests that match nothing else go to the default route`);
  }
  return matches.map((m, i) => normalizeMatch(`${where} match ${i + 1}`, m));
}

/** Checks `rule` against the model and returns the model with the rule appended. */
export function addRule(model: LaneModel, rule: LaneRule): LaneModel {
  const ruleName = rule?.name;
  checkRuleName(`${model.context}: rule name`, ruleName);
  const label = `rule ${show(ruleName)}`;
  const where = `${model.context}: ${label}`;
  const matches = normalizeMatches(where, rule.matches);
  if (model.gateway && matches.some(m => m.sourceLabels)) {
    throw new Error(`${where} matches on sourceLabels (the calling workload), which a request entering through the gateway does not have; put the rule in a LaneRouting with only a sidecar entry point`);
  }
  const split = normalizeSplit(model, where, rule.split);
  checkNewRoute(model, 'rule', label, ruleName, matches);
  return indexed(model, { ...model, rules: [...model.rules, { name: ruleName, matches, split }] }, 'rule', label, ruleName, matches);
}

/** A cdk8s Duration as a Go duration Istio accepts: whole seconds as `2s`, else milliseconds (`1500ms`). */
export function goDuration(what: string, d: Duration): string {
  if (!d || typeof (d as any).toMilliseconds !== 'function') throw new Error(`${what} must be a Duration, e.g. Duration.seconds(2), got ${show(d)}`);
  const ms = d.toMilliseconds();
  if (!Number.isInteger(ms) || ms < 1) {
    throw new Error(`${what} must be a whole number of milliseconds, at least 1ms (Istio's minimum), got ${ms}ms`);
  }
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** The conditions of Envoy's `x-envoy-retry-on` and `x-envoy-retry-grpc-on` that Istio accepts in `retryOn`. */
export const RETRY_ON: ReadonlySet<string> = new Set(['5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'envoy-ratelimited', 'retriable-4xx',
  'refused-stream', 'retriable-status-codes', 'retriable-headers', 'http3-post-connect-failure', 'cancelled', 'deadline-exceeded',
  'internal', 'resource-exhausted', 'unavailable']);

/** The codes of Go's net/http `StatusText` (non-empty), as Istio's validateHTTPRetry accepts them in `retryOn`. */
const GO_STATUS_CODES = new Set([100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451,
  500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511]);

/**
 * A `retryOn` condition Istio's validateHTTPRetry accepts: one of RETRY_ON, or a status code Go's http.StatusText
 * knows. The model also wants a code written as three digits (`503`, not `0503` or `+503`, which Istio reads alike).
 */
export function isRetryOnPolicy(policy: string): boolean {
  return RETRY_ON.has(policy) || (/^[+-]?\d+$/.test(policy) && GO_STATUS_CODES.has(Number(policy)));
}

export function normalizeRouteOptions(where: string, o: RouteOptions | undefined): RouteOptionsModel {
  if (!o) return {};
  const timeout = o.timeout !== undefined ? goDuration(`${where} timeout`, o.timeout) : undefined;
  let retries: RetriesModel | undefined;
  if (o.retries) {
    const r = o.retries;
    if (!Number.isInteger(r.attempts) || r.attempts < 0) {
      throw new Error(`${where} retries.attempts must be an integer ≥ 0, got ${show(r.attempts)}`);
    }
    if (r.attempts === 0 && (r.perTryTimeout !== undefined || r.retryOn !== undefined)) {
      throw new Error(`${where} retries.attempts is 0, which turns retries off, so perTryTimeout and retryOn cannot be set (Istio refuses such a policy); set attempts ≥ 1 or leave them out`);
    }
    if (r.retryOn !== undefined) {
      const bad = r.retryOn.split(',').map(x => x.trim()).filter(x => !isRetryOnPolicy(x) || (!RETRY_ON.has(x) && String(Number(x)) !== x));
      // an empty or blank retryOn is one unknown condition, ""
      if (bad.length) {
        throw new Error(`${where} retries.retryOn has unknown conditions ${show(bad.join(','))}; allowed: ${[...RETRY_ON].join(', ')}, or HTTP status codes`);
      }
    }
    retries = {
      attempts: r.attempts,
      perTryTimeout: r.perTryTimeout !== undefined ? goDuration(`${where} retries.perTryTimeout`, r.perTryTimeout) : undefined,
      // written without the blanks around its conditions, which Istio's validation refuses
      retryOn: r.retryOn?.split(',').map(x => x.trim()).join(','),
    };
  }
  return { timeout, retries };
}

export function normalizeCustomRoute(model: { readonly context: string; readonly target: Target }, route: CustomRoute): CustomRouteModel {
  checkRuleName(`${model.context}: custom route name`, route?.name);
  const where = `${model.context}: custom route ${show(route.name)}`;
  const matches = normalizeMatches(where, route.matches);
  const ds = route.destinations;
  if (!Array.isArray(ds) || ds.length === 0) throw new Error(`${where} needs at least one destination`);
  ds.forEach((d, i) => {
    checkQualifiedHost(`${where} destination ${i + 1} host`, d.host);
    if (d.subset !== undefined) checkDnsLabel(`${where} destination ${i + 1} subset`, d.subset);
    if (d.port !== undefined) checkPort(`${where} destination ${i + 1} port`, d.port);
  });
  const split = normalizeSplit(
    { context: model.context, target: model.target, lanes: ds.map((_, i) => ({ name: `d${i}` })) },
    where,
    ds.map((d, i) => ({ lane: `d${i}`, weight: d.weight })),
  );
  return {
    name: route.name,
    matches,
    destinations: ds.map((d, i) => ({ host: d.host, subset: d.subset, port: d.port, weight: split[i].weight })),
    options: normalizeRouteOptions(where, route),
  };
}

/** Checks `route` and returns the model with the custom route placed before or after the lane rules. */
export function addCustomRoute(model: LaneModel, route: CustomRoute, placement: RoutePlacement): LaneModel {
  const r = normalizeCustomRoute(model, route);
  const label = `custom route ${show(r.name)}`;
  switch (placement) {
    case RoutePlacement.BEFORE_LANE_RULES:
      checkNewRoute(model, 'before', label, r.name, r.matches);
      return indexed(model, { ...model, routesBefore: [...model.routesBefore, r] }, 'before', label, r.name, r.matches);
    case RoutePlacement.AFTER_LANE_RULES:
      checkNewRoute(model, 'after', label, r.name, r.matches);
      return indexed(model, { ...model, routesAfter: [...model.routesAfter, r] }, 'after', label, r.name, r.matches);
    default:
      throw new Error(`${model.context}: placement must be RoutePlacement.BEFORE_LANE_RULES or AFTER_LANE_RULES, got ${show(placement)}`);
  }
}
