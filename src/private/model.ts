/**
 * The lane model: props normalized, checked and with every default resolved. Pure data, immutable; the
 * renderers (and later the simulation) read only this, so what is rendered is what was checked.
 */
import {
  checkDnsLabel, checkGatewayRef, checkHeaderName, checkHeaderValue, checkLabel, checkNoControlChars,
  checkPort, checkQualifiedHost, checkVirtualServiceHost, list, show,
} from './checks';
import { DestinationRuleOptions, GatewayEntryPoint, SidecarEntryPoint } from '../entry-point';
import { Lane, LaneDestination } from '../lane';
import { RequestMatch, StringMatch } from '../match';
import { Mode } from '../mode';
import { LaneRule } from '../rule';
import { Target } from '../target';

export const DEFAULT_ROUTING_HEADER = 'x-asm-prefer-tag';
export const DEFAULT_ROUTE_NAME = 'base-route';

export type MatchKind = 'exact' | 'prefix' | 'regex';

export interface PlainStringMatch {
  readonly kind: MatchKind;
  readonly value: string;
}

export interface HeaderCondition {
  readonly name: string;
  /** undefined: presence (or, with `absent`, absence) of the header */
  readonly match?: PlainStringMatch;
  readonly absent: boolean;
}

export interface QueryCondition {
  readonly name: string;
  readonly match: PlainStringMatch;
}

export interface MatchBlock {
  readonly headers: readonly HeaderCondition[];
  readonly uri?: PlainStringMatch;
  readonly method?: PlainStringMatch;
  readonly queryParams: readonly QueryCondition[];
}

export interface Destination {
  readonly lane: string;
  /** integer 0..100; the weights of a split sum to 100 */
  readonly weight: number;
  readonly fallbackLane?: string;
}

export interface Rule {
  readonly name: string;
  /** empty only for the default route (catch-all) */
  readonly matches: readonly MatchBlock[];
  readonly split: readonly Destination[];
}

export interface ModelLane {
  readonly name: string;
  readonly podLabels?: { readonly [key: string]: string };
}

export interface ObjectPlacement {
  /** undefined: cdk8s generates a unique name */
  readonly name?: string;
  /** undefined: the chart's namespace */
  readonly namespace?: string;
}

export interface GatewayModel extends ObjectPlacement {
  readonly gateways: readonly string[];
  readonly hosts: readonly string[];
}

export interface SidecarModel extends ObjectPlacement {
  readonly hosts: readonly string[];
}

export interface LaneModel {
  /** how errors name this routing, e.g. `LaneRouting "chart/mocka"` */
  readonly context: string;
  readonly host: string;
  readonly port?: number;
  readonly lanes: readonly ModelLane[];
  readonly baseline: string;
  readonly routingHeader: string;
  readonly mode: Mode;
  readonly target: Target;
  /** user rules in the order given; the default route is not among them */
  readonly rules: readonly Rule[];
  /** the catch-all to the baseline, always rendered last */
  readonly defaultRoute: Rule;
  readonly gateway?: GatewayModel;
  readonly sidecar?: SidecarModel;
  /** present when at least one lane has pod labels */
  readonly destinationRule?: ObjectPlacement;
}

/** The props LaneRouting hands over (its own props minus what only the construct uses). */
export interface LaneRoutingInput {
  readonly host: string;
  readonly port?: number;
  readonly lanes: Lane[];
  readonly baseline: string;
  readonly routingHeader?: string;
  readonly mode?: Mode;
  readonly target: Target;
  readonly rules?: LaneRule[];
  readonly defaultRouteName?: string;
  readonly gateway?: GatewayEntryPoint;
  readonly sidecar?: SidecarEntryPoint;
  readonly destinationRule?: DestinationRuleOptions;
}

/** `<service>.<namespace>.svc[.<domain>]` → namespace */
export function serviceNamespace(host: string): string | undefined {
  const m = /^[a-z0-9-]+\.([a-z0-9-]+)\.svc(\.|$)/.exec(host);
  return m ? m[1] : undefined;
}

function checkObjectName(what: string, value: string | undefined): void {
  if (value === undefined) return;
  const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
  if (typeof value !== 'string' || value.length > 253 || !subdomain.test(value)) {
    throw new Error(`${what} must be a Kubernetes object name (lowercase DNS-1123 subdomain, at most 253 characters), got ${show(value)}`);
  }
}

function checkRuleName(what: string, value: string): void {
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw new Error(`${what} must be a non-empty string, got ${show(value)}`);
  }
  checkNoControlChars(what, value);
}

function noDuplicates(what: string, values: readonly string[]): void {
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
    throw new Error(`${where} must be an object with headers, uri, method or queryParams, got ${show(block)}`);
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
  for (const [field, m] of [['uri', block.uri], ['method', block.method]] as const) {
    if (m !== undefined && !isStringMatch(m)) {
      throw new Error(`${where} ${field} must be built with StringMatch.exact/prefix/regex, got ${show(m)}`);
    }
  }
  const uri = block.uri ? plain(block.uri) : undefined;
  if (uri && uri.kind !== 'regex' && !uri.value.startsWith('/')) {
    throw new Error(`${where} uri ${uri.kind} ${show(uri.value)} must start with "/"`);
  }
  const method = block.method ? plain(block.method) : undefined;
  if (headers.length === 0 && queryParams.length === 0 && !uri && !method) {
    throw new Error(`${where} has no condition, so it would match every request; give it headers, uri, method or queryParams (the default route already catches the rest)`);
  }
  return { headers, uri, method, queryParams };
}

interface RuleContext {
  readonly context: string;
  readonly lanes: readonly ModelLane[];
  readonly target: Target;
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
function matchKey(block: MatchBlock): string {
  const byName = <T extends { name: string }>(xs: readonly T[]) => [...xs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return JSON.stringify({ h: byName(block.headers), u: block.uri, m: block.method, q: byName(block.queryParams) });
}

/** Checks `rule` against the model and returns the model with the rule appended. */
export function addRule(model: LaneModel, rule: LaneRule): LaneModel {
  const ruleName = rule?.name;
  checkRuleName(`${model.context}: rule name`, ruleName);
  const where = `${model.context}: rule ${show(ruleName)}`;
  const taken = [...model.rules.map(r => r.name), model.defaultRoute.name];
  if (taken.includes(ruleName)) {
    throw new Error(`${where}: the name is already used${ruleName === model.defaultRoute.name ? ' by the default route (set defaultRouteName to another name)' : ' by another rule'}; rule names must be unique`);
  }
  if (!Array.isArray(rule.matches) || rule.matches.length === 0) {
    throw new Error(`${where} needs at least one match block; requests that match nothing else go to the default route`);
  }
  const matches = rule.matches.map((m, i) => normalizeMatch(`${where} match ${i + 1}`, m));
  const seen = new Map<string, string>();
  for (const r of model.rules) r.matches.forEach((m, i) => seen.set(matchKey(m), `rule ${show(r.name)} match ${i + 1}`));
  matches.forEach((m, i) => {
    const key = matchKey(m);
    const earlier = seen.get(key);
    if (earlier) {
      throw new Error(`${where} match ${i + 1} repeats ${earlier}, so it can never match (first match wins); remove it or merge the rules`);
    }
    seen.set(key, `rule ${show(ruleName)} match ${i + 1}`);
  });
  const split = normalizeSplit(model, where, rule.split);
  return { ...model, rules: [...model.rules, { name: ruleName, matches, split }] };
}

/** Normalizes and checks LaneRouting props (rules included). */
export function normalize(context: string, props: LaneRoutingInput): LaneModel {
  if (!props || typeof props !== 'object') throw new Error(`${context}: props are required`);
  checkQualifiedHost(`${context}: host`, props.host);
  if (props.port !== undefined) checkPort(`${context}: port`, props.port);
  if (!Object.values(Target).includes(props.target)) {
    throw new Error(`${context}: target must be Target.ASM or Target.ISTIO, got ${show(props.target)}`);
  }
  const mode = props.mode ?? Mode.PERMISSIVE;
  if (!Object.values(Mode).includes(mode)) {
    throw new Error(`${context}: mode must be Mode.PERMISSIVE or Mode.STRICT, got ${show(mode)}`);
  }

  if (!Array.isArray(props.lanes) || props.lanes.length === 0) {
    throw new Error(`${context}: lanes must list at least one lane (the baseline)`);
  }
  const lanes: ModelLane[] = props.lanes.map((l, i) => {
    checkDnsLabel(`${context}: lane ${i + 1} name`, l?.name);
    if (l.podLabels !== undefined) {
      const entries = Object.entries(l.podLabels);
      if (entries.length === 0) {
        throw new Error(`${context}: lane ${show(l.name)} podLabels is empty, which would select every pod; give the labels of the lane's workloads (e.g. { version: 'v2' }) or omit podLabels`);
      }
      for (const [k, v] of entries) checkLabel(`${context}: lane ${show(l.name)} podLabels`, k, v);
    }
    return { name: l.name, podLabels: l.podLabels ? { ...l.podLabels } : undefined };
  });
  noDuplicates(`${context}: lanes`, lanes.map(l => l.name));
  const names = lanes.map(l => l.name);
  if (!names.includes(props.baseline)) {
    throw new Error(`${context}: baseline ${show(props.baseline)} is not a lane (lanes: ${list(names)})`);
  }

  const routingHeader = props.routingHeader ?? DEFAULT_ROUTING_HEADER;
  checkHeaderName(`${context}: routingHeader`, routingHeader);
  if (routingHeader === 'host') {
    throw new Error(`${context}: routingHeader "host" would rewrite the request's authority; choose a dedicated header such as "${DEFAULT_ROUTING_HEADER}"`);
  }
  for (const l of names) checkHeaderValue(`${context}: lane name used as ${routingHeader} value`, l);

  const defaultRouteName = props.defaultRouteName ?? DEFAULT_ROUTE_NAME;
  checkRuleName(`${context}: defaultRouteName`, defaultRouteName);

  if (!props.gateway && !props.sidecar) {
    throw new Error(`${context}: no entry point; set gateway (ingress-gateway VirtualService), sidecar (mesh VirtualService) or both`);
  }
  const svcNamespace = serviceNamespace(props.host);

  let gateway: GatewayModel | undefined;
  if (props.gateway) {
    const g = props.gateway;
    const where = `${context}: gateway`;
    if (!Array.isArray(g.gateways) || g.gateways.length === 0) {
      throw new Error(`${where}.gateways must list at least one gateway as "namespace/name", e.g. "istio-system/ingressgateway"`);
    }
    g.gateways.forEach((ref, i) => checkGatewayRef(`${where}.gateways[${i}]`, ref));
    noDuplicates(`${where}.gateways`, g.gateways);
    const hosts = g.hosts ?? ['*'];
    if (hosts.length === 0) throw new Error(`${where}.hosts must list at least one host (omit it for ["*"])`);
    hosts.forEach((h, i) => checkVirtualServiceHost(`${where}.hosts[${i}]`, h, true));
    noDuplicates(`${where}.hosts`, hosts);
    const namespace = g.namespace ?? g.gateways[0].split('/')[0];
    checkDnsLabel(`${where}.namespace`, namespace);
    checkObjectName(`${where}.name`, g.name);
    gateway = { gateways: [...g.gateways], hosts: [...hosts], namespace, name: g.name };
  }

  let sidecar: SidecarModel | undefined;
  if (props.sidecar) {
    const s = props.sidecar;
    const where = `${context}: sidecar`;
    const hosts = s.hosts ?? [props.host];
    if (hosts.length === 0) throw new Error(`${where}.hosts must list at least one host (omit it for the service host)`);
    hosts.forEach((h, i) => checkVirtualServiceHost(`${where}.hosts[${i}]`, h, false));
    noDuplicates(`${where}.hosts`, hosts);
    const namespace = s.namespace ?? svcNamespace;
    if (namespace !== undefined) checkDnsLabel(`${where}.namespace`, namespace);
    checkObjectName(`${where}.name`, s.name);
    sidecar = { hosts: [...hosts], namespace, name: s.name };
  }

  let destinationRule: ObjectPlacement | undefined;
  const labelled = lanes.some(l => l.podLabels);
  if (props.destinationRule && !labelled) {
    throw new Error(`${context}: destinationRule is set but no lane has podLabels, so it would have no subset; give the lanes podLabels or omit destinationRule`);
  }
  if (labelled) {
    const d = props.destinationRule ?? {};
    const namespace = d.namespace ?? svcNamespace;
    if (namespace !== undefined) checkDnsLabel(`${context}: destinationRule.namespace`, namespace);
    checkObjectName(`${context}: destinationRule.name`, d.name);
    destinationRule = { namespace, name: d.name };
  }

  let model: LaneModel = {
    context,
    host: props.host,
    port: props.port,
    lanes,
    baseline: props.baseline,
    routingHeader,
    mode,
    target: props.target,
    rules: [],
    defaultRoute: { name: defaultRouteName, matches: [], split: [{ lane: props.baseline, weight: 100 }] },
    gateway,
    sidecar,
    destinationRule,
  };
  for (const rule of props.rules ?? []) model = addRule(model, rule);
  return model;
}
