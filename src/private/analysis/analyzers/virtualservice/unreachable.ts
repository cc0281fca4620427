/**
 * The unreachable rules and ineffective matches of Istio's VirtualService validation, which its
 * `schema.ValidationAnalyzer.VirtualService` reports:
 * - IST0130 (VirtualServiceUnreachableRule): a rule after a rule without matches, a second rule without matches,
 *   or a rule whose every match an earlier rule has;
 * - IST0131 (VirtualServiceIneffectiveMatch): a match an earlier rule has, or (HTTP) a URI prefix match that an
 *   earlier prefix match covers with the same port, method, authority, headers, query parameters and absent headers.
 * HTTP, TCP and TLS rules alike; rules are named as Istio names them (`"name"`, else `#index`).
 */
import { Resource } from '../../istio/resources';

export type Unused = (rule: string, reason: string) => void;
export type Ineffective = (rule: string, match: string, earlier: string) => void;

/** Whether a value is what protobuf's JSON leaves out: absent, false, 0, '', or an empty list or map. */
function isEmpty(v: unknown): boolean {
  // Stryker disable next-line ConditionalExpression,BooleanLiteral: parsed YAML has no undefined value (kept for safety)
  if (v === undefined) return true;
  if (v === null || v === false || v === 0 || v === '') return true;
  return typeof v === 'object' && Object.keys(v as object).length === 0;
}

/**
 * JSON with sorted keys, without `name` and without empty values (as Istio marshals a match to compare it): two
 * matches with one text match the same requests. A match's fields Istio does not know (`known`) are left out, as its
 * parser drops them. Nesting deeper than a match has is cut (an alias can make a cycle).
 */
function canonical(x: unknown, known: ReadonlySet<string>, depth = 0): string {
  // Stryker disable next-line StringLiteral: every value at the cut depth is cut alike, so the text of the cut does not matter
  if (depth > 16) return '"…"';
  if (Array.isArray(x)) return `[${x.map(v => canonical(v, known, depth + 1)).join(',')}]`;
  if (typeof x === 'object' && x !== null) {
    const o = x as { [k: string]: unknown };
    const keys = Object.keys(o).filter(k => !isEmpty(o[k]) && !(depth === 0 && (k === 'name' || !known.has(k)))).sort();
    // Stryker disable next-line StringLiteral: each entry starts with a quoted key and JSON values end unambiguously, so no separator is needed to tell texts apart
    return `{${keys.map(k => `${JSON.stringify(k)}:${canonical(o[k], known, depth + 1)}`).join(',')}}`;
  }
  return JSON.stringify(x);
}

/** `exact:V` or `prefix:V` of a string match, '' for any other. */
function exactOrPrefix(r: Resource, m: unknown): string {
  const sm = r.map(m);
  if (r.str(sm.exact) !== '') return `exact:${sm.exact}`;
  if (r.str(sm.prefix) !== '') return `prefix:${sm.prefix}`;
  return '';
}

interface PrefixMatch {
  readonly rule: string;
  readonly match: string;
  readonly prefix: string;
  readonly port: unknown;
  readonly method: string;
  readonly authority: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly queryParams: ReadonlyMap<string, string>;
  readonly withoutHeaders: ReadonlyMap<string, string>;
}

function prefixMatch(r: Resource, m: { [k: string]: any }, rule: string, match: string): PrefixMatch | undefined {
  const prefix = r.str(r.map(m.uri).prefix);
  if (prefix === '') return undefined; // also without `uri`: r.map gives {} for an absent or null one
  const strings = (x: unknown) => new Map(Object.entries(r.map(x)).map(([k, v]) => [k, exactOrPrefix(r, v)]));
  return {
    rule,
    match,
    prefix,
    port: m.port ?? 0,
    method: exactOrPrefix(r, m.method) || 'exact:GET',
    authority: exactOrPrefix(r, m.authority),
    headers: strings(m.headers),
    queryParams: strings(m.queryParams),
    withoutHeaders: strings(m.withoutHeaders),
  };
}

/** Whether every value of `a` equals or is a prefix-extension of `b`'s, key for key (Istio's comparison). */
function sameKeys(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  return [...a].every(([k, v]) => b.has(k) && v.startsWith(b.get(k)!));
}

/** Whether the earlier prefix match `a` takes every request of the later `b`. */
function covers(a: PrefixMatch, b: PrefixMatch): boolean {
  return b.prefix.startsWith(a.prefix) && b.port === a.port
    && a.method.startsWith(b.method)
    && a.authority.startsWith(b.authority)
    && sameKeys(a.headers, b.headers) && sameKeys(a.queryParams, b.queryParams) && sameKeys(a.withoutHeaders, b.withoutHeaders);
}

/** Reports the unreachable rules and ineffective matches of one list of rules (`http`, `tcp` or `tls`). */
export function unreachableRules(r: Resource, kind: 'http' | 'tcp' | 'tls', known: ReadonlySet<string>, unused: Unused, ineffective: Ineffective): void {
  const rules = r.list(r.spec[kind]);
  const seen = new Map<string, number>();
  let catchAll = -1;
  // Stryker disable next-line ArrayDeclaration: a string in the list has no prefix or port, so it covers nothing and comes before any match it could be compared with
  const prefixes: PrefixMatch[] = [];
  const ruleName = (rule: unknown, i: number) => (kind === 'http' && r.str(r.map(rule).name) !== '' ? JSON.stringify(r.map(rule).name) : `#${i}`);
  rules.forEach((rule, i) => {
    if (rule === null) return;
    // Stryker disable next-line ConditionalExpression: parsed YAML has no undefined value (kept for safety)
    if (rule === undefined) return;
    const name = ruleName(rule, i);
    const matches = r.list(r.map(rule).match);
    if (matches.length === 0) {
      if (catchAll >= 0) unused(name, 'only the last rule can have no matches');
      catchAll = i;
      return;
    }
    let duplicates = 0;
    matches.forEach((m, j) => {
      if (catchAll >= 0) {
        unused(name, 'route without matches defined before');
        return;
      }
      const key = canonical(m, known);
      const earlier = seen.get(key);
      const matchName = kind === 'http' && r.str(r.map(m).name) !== '' ? JSON.stringify(r.map(m).name) : `#${j}`;
      if (earlier !== undefined) {
        ineffective(name, matchName, ruleName(rules[earlier], earlier));
        duplicates++;
        return;
      }
      seen.set(key, i);
      const p = kind === 'http' ? prefixMatch(r, r.map(m), name, matchName) : undefined;
      if (p) prefixes.push(p);
    });
    if (duplicates === matches.length) unused(name, 'all matches used by prior rules');
  });
  prefixes.forEach((a, i) => {
    for (const b of prefixes.slice(i + 1)) {
      if (b.prefix !== a.prefix && covers(a, b)) ineffective(b.rule, `${b.match} of prefix ${b.prefix}`, `${a.match} of prefix ${a.prefix} on ${a.rule}`);
    }
  });
}
