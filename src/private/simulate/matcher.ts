/**
 * Matching a request against match blocks with Envoy's semantics: exact and prefix are case-sensitive, a
 * regex (RE2) must match the whole value; conditions inside a block AND, blocks of a route OR; routes in
 * order, the first that matches wins.
 */
import { headerValue, Request } from './request';
import { MatchBlock, PlainStringMatch } from '../model/types';
import { compileRe2 } from '../validation/values';

export function matchesString(m: PlainStringMatch, value: string): boolean {
  switch (m.kind) {
    case 'exact': return value === m.value;
    case 'prefix': return value.startsWith(m.value);
    case 'regex': return compileRe2(m.value).matches(value);
  }
}

/** Whether the request's authority, its port ignored, matches one of `hostnames` (exact, or `*.` and a suffix). */
export function hostMatches(hostnames: readonly string[], req: Request): boolean {
  const host = req.host;
  if (host === undefined) return false;
  for (const h of hostnames) {
    if (h.charCodeAt(0) === 42 /* '*' */ ? host.length >= h.length && host.endsWith(h.slice(1)) : host === h) return true;
  }
  return false;
}

/** The port and caller conditions of a block (what a Gateway API mesh route is attached for). */
function portAndCaller(block: MatchBlock, req: Request): boolean {
  if (block.port !== undefined && req.port !== block.port) return false;
  if (block.sourceNamespace !== undefined && req.sourceNamespace !== block.sourceNamespace) return false;
  // a caller of no known namespace is in no list
  return !block.notSourceNamespaces?.some(ns => ns === req.sourceNamespace);
}

export function matchesBlock(block: MatchBlock, req: Request): boolean {
  // the cheap and selective conditions first (a Gateway's table holds every route of every hostname)
  if (!portAndCaller(block, req)) return false;
  if (block.hostnames && !hostMatches(block.hostnames, req)) return false;
  if (block.notHostnames && hostMatches(block.notHostnames, req)) return false;
  // headers and query are dictionaries without a prototype (request.ts): a missing name reads undefined
  for (const h of block.headers) {
    const value = headerValue(req, h.name);
    let hit: boolean;
    if (h.match === undefined) hit = value !== undefined;
    // withoutHeaders with a value: Istio sets `treat_missing_header_as_empty` on the inverted Envoy matcher,
    // so a missing header is matched as "" (a pattern that matches "" excludes requests without the header)
    else if (h.absent) hit = matchesString(h.match, value ?? '');
    else hit = value !== undefined && matchesString(h.match, value);
    if (hit === h.absent) return false; // withoutHeaders: a hit means no match
  }
  if (block.sourceLabels) {
    const caller = req.sourceLabels;
    if (!caller) return false;
    for (const [k, v] of Object.entries(block.sourceLabels)) if (caller[k] !== v) return false;
  }
  if (block.uri && !matchesString(block.uri, req.path)) return false;
  if (block.authority && (req.authority === undefined || !matchesString(block.authority, req.authority))) return false;
  if (block.method && !matchesString(block.method, req.method)) return false;
  for (const q of block.queryParams) {
    const value = req.query[q.name];
    if (value === undefined || !matchesString(q.match, value)) return false;
  }
  return true;
}

type Routes = ReadonlyArray<{ readonly matches: readonly MatchBlock[] }>;

/**
 * The routes of a large table by the exact hostnames they take (a Gateway's routes): a route every block of which
 * names exact hostnames can match only a request for one of them; the others are `general`. Both lists ascend.
 */
interface HostIndex {
  /** a request without a host has no entry */
  readonly byHost: ReadonlyMap<string | undefined, readonly number[]>;
  readonly general: readonly number[];
}

const INDEXES = new WeakMap<Routes, HostIndex | null>();
/** Below this many routes a table is scanned in order. */
const INDEXED_FROM = 64;

function hostIndex(routes: Routes): HostIndex | null {
  let index = INDEXES.get(routes);
  if (index !== undefined) return index;
  const byHost = new Map<string, number[]>();
  const general: number[] = [];
  routes.forEach((r, i) => {
    const exact = r.matches.length > 0 && r.matches.every(b => b.hostnames && b.hostnames.every(h => !h.startsWith('*.')));
    if (!exact) {
      general.push(i);
      return;
    }
    for (const h of new Set(r.matches.flatMap(b => b.hostnames!))) byHost.set(h, [...(byHost.get(h) ?? []), i]);
  });
  index = routes.length >= INDEXED_FROM ? { byHost, general } : null;
  INDEXES.set(routes, index);
  return index;
}

function routeMatches(route: Routes[number], req: Request): boolean {
  const matches = route.matches;
  if (matches.length === 0) return true;
  for (let j = 0; j < matches.length; j++) if (matchesBlock(matches[j], req)) return true;
  return false;
}

/** Index of the first route whose blocks match (a route without blocks matches every request), or -1. */
export function firstMatch(routes: Routes, req: Request): number {
  const index = hostIndex(routes);
  if (!index) {
    for (let i = 0; i < routes.length; i++) if (routeMatches(routes[i], req)) return i;
    return -1;
  }
  // the routes of the request's host and the general ones, in their order
  const own = index.byHost.get(req.host) ?? [];
  const general = index.general;
  let a = 0;
  let b = 0;
  while (a < own.length || b < general.length) {
    // past its end own[a] is undefined, and undefined < n is false: the general routes go on
    // Stryker disable next-line EqualityOperator: a route is the host's or general, never both, so the two indexes are never equal
    const ownFirst = own[a] < general[b];
    const i = b >= general.length || ownFirst ? own[a++] : general[b++];
    if (routeMatches(routes[i], req)) return i;
  }
  return -1;
}

/**
 * Whether a table applies to the request: always, except Gateway API mesh routes, which apply only to the ports and
 * callers they are attached for (any other request goes to the Service as if there were no route).
 */
export function attachedFor(
  table: { readonly attachedOnly?: boolean; readonly routes: ReadonlyArray<{ readonly matches: readonly MatchBlock[] }> }, req: Request,
): boolean {
  if (!table.attachedOnly) return true;
  return table.routes.some(r => r.matches.length === 0 || r.matches.some(b => portAndCaller(b, req)));
}
