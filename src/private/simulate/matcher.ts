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

export function matchesBlock(block: MatchBlock, req: Request): boolean {
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

/** Index of the first route whose blocks match (a route without blocks matches every request), or -1. */
export function firstMatch(routes: ReadonlyArray<{ readonly matches: readonly MatchBlock[] }>, req: Request): number {
  for (let i = 0; i < routes.length; i++) {
    const matches = routes[i].matches;
    if (matches.length === 0) return i;
    for (let j = 0; j < matches.length; j++) if (matchesBlock(matches[j], req)) return i;
  }
  return -1;
}
