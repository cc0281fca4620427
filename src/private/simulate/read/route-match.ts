/**
 * One HTTPRoute match as a match block, with its precedence among the matches of every route on its parent (an
 * exact path, the longest prefix, a method, the most header matches, the most query matches) and the prefix it
 * matches (for ReplacePrefixMatch). A PathPrefix matches whole path segments.
 */
import { fail, mapping, onlyKeys, optionalList, optionalMapping, optionalText, text } from './fields';
import { HeaderCondition, MatchBlock, PlainStringMatch, QueryCondition } from '../../model/types';
import { compileRe2, quoteMeta, show } from '../../validation/values';

function matchValue(where: string, m: { [key: string]: unknown }, regexType: string): PlainStringMatch {
  const type = optionalText(`${where}.type`, m.type) ?? 'Exact';
  const value = text(`${where}.value`, m.value);
  if (type === 'Exact') return { kind: 'exact', value };
  if (type === regexType) {
    try {
      compileRe2(value);
    } catch (e) {
      fail(where, `regex ${show(value)} is not valid RE2: ${(e as Error).message}`);
    }
    return { kind: 'regex', value };
  }
  return fail(`${where}.type`, `must be Exact or ${regexType}, got ${show(type)}`);
}

/** One HTTPRoute match as a match block, its precedence (highest first), and the prefix it matches. */
export function readMatch(where: string, v: unknown): { block: MatchBlock; precedence: number[]; prefix?: string } {
  const m = mapping(where, v);
  onlyKeys(where, m, ['path', 'headers', 'queryParams', 'method']);
  let uri: PlainStringMatch | undefined;
  let precedence = [1, 1];
  let prefix: string | undefined = '/';
  const path = optionalMapping(`${where}.path`, m.path);
  if (path) {
    onlyKeys(`${where}.path`, path, ['type', 'value']);
    const type = optionalText(`${where}.path.type`, path.type) ?? 'PathPrefix';
    const value = optionalText(`${where}.path.value`, path.value) ?? '/';
    prefix = undefined;
    if (type === 'Exact') {
      uri = { kind: 'exact', value };
      precedence = [2, value.length];
    } else if (type === 'PathPrefix') {
      // whole segments: "/api" takes "/api" and "/api/x", not "/apix"; a trailing "/" is ignored
      const trimmed = value.replace(/\/+$/, '');
      uri = trimmed === '' ? undefined : { kind: 'regex', value: `${quoteMeta(trimmed)}(?:/.*)?` };
      precedence = [1, value.length];
      prefix = value;
    } else if (type === 'RegularExpression') {
      uri = matchValue(`${where}.path`, path, 'RegularExpression');
      precedence = [0, 0];
    } else {
      fail(`${where}.path.type`, `must be Exact, PathPrefix or RegularExpression, got ${show(type)}`);
    }
  }
  // a name given twice: only its first entry counts (header names case-insensitively, query names exactly)
  const first = <T extends { name: string }>(xs: T[]) => xs.filter((x, i) => xs.findIndex(y => y.name === x.name) === i);
  const headers: HeaderCondition[] = first(optionalList(`${where}.headers`, m.headers).map((h, i) => {
    const hm = mapping(`${where}.headers[${i}]`, h);
    onlyKeys(`${where}.headers[${i}]`, hm, ['type', 'name', 'value']);
    return { name: text(`${where}.headers[${i}].name`, hm.name).toLowerCase(), match: matchValue(`${where}.headers[${i}]`, hm, 'RegularExpression'), absent: false };
  }));
  const queryParams: QueryCondition[] = first(optionalList(`${where}.queryParams`, m.queryParams).map((q, i) => {
    const qm = mapping(`${where}.queryParams[${i}]`, q);
    onlyKeys(`${where}.queryParams[${i}]`, qm, ['type', 'name', 'value']);
    return { name: text(`${where}.queryParams[${i}].name`, qm.name), match: matchValue(`${where}.queryParams[${i}]`, qm, 'RegularExpression') };
  }));
  const method = optionalText(`${where}.method`, m.method);
  return {
    block: { headers, uri, queryParams, method: method !== undefined ? { kind: 'exact', value: method } : undefined },
    precedence: [...precedence, method !== undefined ? 1 : 0, headers.length, queryParams.length],
    prefix,
  };
}
