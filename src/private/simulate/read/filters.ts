/**
 * HTTPRoute filters, at rule and backend level: RequestHeaderModifier and ResponseHeaderModifier (set, add,
 * remove), RequestRedirect, URLRewrite and RequestMirror. Any other filter is refused by name (the route is
 * then left out, never the whole input).
 */
import { fail, integer, mapping, onlyKeys, optionalList, optionalMapping, optionalText, text } from './fields';
import { show } from '../../validation/values';
import { HeaderEdits, Redirect } from '../mesh';

/** A path modifier as written: the whole path, or the matched prefix replaced (resolved per match by the caller). */
export interface PathModifier {
  readonly type: 'ReplaceFullPath' | 'ReplacePrefixMatch';
  readonly value: string;
}

export interface Filters {
  readonly request: HeaderEdits;
  readonly response?: HeaderEdits;
  readonly redirect?: Omit<Redirect, 'path'> & { readonly path?: PathModifier };
  readonly rewrite?: { readonly hostname?: string; readonly path?: PathModifier };
  /** the backendRefs of RequestMirror filters, as written, and the percentage of requests each mirrors */
  readonly mirrors: ReadonlyArray<{ readonly where: string; readonly ref: { [key: string]: unknown }; readonly percent: number }>;
}

export const NO_EDITS: HeaderEdits = { set: {}, add: {}, remove: [] };

function headerEdits(where: string, v: unknown): HeaderEdits {
  const mod = mapping(where, v);
  onlyKeys(where, mod, ['set', 'add', 'remove']);
  const read = (op: 'set' | 'add') => {
    const out: { [name: string]: string } = {};
    optionalList(`${where}.${op}`, mod[op]).forEach((h, j) => {
      const hm = mapping(`${where}.${op}[${j}]`, h);
      onlyKeys(`${where}.${op}[${j}]`, hm, ['name', 'value']);
      const name = text(`${where}.${op}[${j}].name`, hm.name).toLowerCase();
      const value = text(`${where}.${op}[${j}].value`, hm.value);
      // two adds of one name append both values, as the proxy does
      if (out[name] !== undefined) fail(`${where}.${op}[${j}]`, `header ${show(name)} is given more than one action (set, add, remove); the Gateway API allows one per filter`);
      out[name] = value;
    });
    return out;
  };
  const edits = { set: read('set'), add: read('add'), remove: optionalList(`${where}.remove`, mod.remove).map((h, j) => text(`${where}.remove[${j}]`, h).toLowerCase()) };
  // the Gateway API: one action per header name in a filter
  const names = [...Object.keys(edits.set), ...Object.keys(edits.add), ...edits.remove];
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) fail(where, `header ${show(twice)} is given more than one action (set, add, remove); the Gateway API allows one per filter`);
  return edits;
}

function pathModifier(where: string, v: unknown): PathModifier | undefined {
  const p = optionalMapping(where, v);
  if (!p) return undefined;
  onlyKeys(where, p, ['type', 'replaceFullPath', 'replacePrefixMatch']);
  const type = text(`${where}.type`, p.type);
  if (type === 'ReplaceFullPath') return { type, value: text(`${where}.replaceFullPath`, p.replaceFullPath) };
  if (type === 'ReplacePrefixMatch') return { type, value: text(`${where}.replacePrefixMatch`, p.replacePrefixMatch) };
  return fail(`${where}.type`, `must be ReplaceFullPath or ReplacePrefixMatch, got ${show(type)}`);
}

/** Edits of the same kind in order: a later set replaces, adds append, removes accumulate. */
function combine(a: HeaderEdits | undefined, b: HeaderEdits): HeaderEdits {
  if (!a) return b;
  const add: { [name: string]: string } = { ...a.add };
  for (const [k, v] of Object.entries(b.add)) add[k] = add[k] !== undefined ? `${add[k]},${v}` : v;
  return { set: { ...a.set, ...b.set }, add, remove: [...a.remove, ...b.remove] };
}

/**
 * The filters of a rule (`backend` false) or of a backendRef (`backend` true). A backend takes only the header
 * modifiers; a rule also takes a redirect, a rewrite and mirrors.
 */
export function readFilters(where: string, v: unknown, backend: boolean): Filters {
  let request: HeaderEdits | undefined;
  let response: HeaderEdits | undefined;
  let redirect: Filters['redirect'];
  let rewrite: Filters['rewrite'];
  const mirrors: Array<Filters['mirrors'][number]> = [];
  optionalList(where, v).forEach((f, i) => {
    const w = `${where}[${i}]`;
    const fm = mapping(w, f);
    const type = text(`${w}.type`, fm.type);
    const field = type.charAt(0).toLowerCase() + type.slice(1);
    const known = ['RequestHeaderModifier', 'ResponseHeaderModifier', ...(backend ? [] : ['RequestRedirect', 'URLRewrite', 'RequestMirror'])];
    if (!known.includes(type)) fail(w, `filter ${show(type)} is not supported by the lane simulation${backend ? ' on a backendRef' : ''} (supported: ${known.join(', ')})`);
    const key = type === 'URLRewrite' ? 'urlRewrite' : field;
    onlyKeys(w, fm, ['type', key]);
    const body = mapping(`${w}.${key}`, fm[key]);
    if (type === 'RequestHeaderModifier') request = combine(request, headerEdits(`${w}.${key}`, body));
    if (type === 'ResponseHeaderModifier') response = combine(response, headerEdits(`${w}.${key}`, body));
    if (type === 'RequestRedirect') {
      onlyKeys(`${w}.${key}`, body, ['scheme', 'hostname', 'path', 'port', 'statusCode']);
      const statusCode = body.statusCode === undefined ? 302 : integer(`${w}.${key}.statusCode`, body.statusCode, 300, 399);
      redirect = {
        scheme: optionalText(`${w}.${key}.scheme`, body.scheme),
        hostname: optionalText(`${w}.${key}.hostname`, body.hostname),
        port: body.port === undefined ? undefined : integer(`${w}.${key}.port`, body.port, 1, 65535),
        path: pathModifier(`${w}.${key}.path`, body.path),
        statusCode,
      };
    }
    if (type === 'URLRewrite') {
      onlyKeys(`${w}.${key}`, body, ['hostname', 'path']);
      rewrite = { hostname: optionalText(`${w}.${key}.hostname`, body.hostname), path: pathModifier(`${w}.${key}.path`, body.path) };
    }
    if (type === 'RequestMirror') {
      onlyKeys(`${w}.${key}`, body, ['backendRef', 'percent', 'fraction']);
      const fraction = optionalMapping(`${w}.${key}.fraction`, body.fraction);
      if (fraction) onlyKeys(`${w}.${key}.fraction`, fraction, ['numerator', 'denominator']);
      const percent = body.percent !== undefined ? integer(`${w}.${key}.percent`, body.percent, 0, 100)
        : fraction ? (100 * integer(`${w}.${key}.fraction.numerator`, fraction.numerator, 0, 1_000_000)) / (fraction.denominator === undefined ? 100 : integer(`${w}.${key}.fraction.denominator`, fraction.denominator, 1, 1_000_000)) : 100;
      mirrors.push({ where: `${w}.${key}.backendRef`, ref: mapping(`${w}.${key}.backendRef`, body.backendRef), percent });
    }
  });
  if (redirect && rewrite) fail(where, 'has both RequestRedirect and URLRewrite; the Gateway API allows one of them on a rule');
  return { request: request ?? NO_EDITS, response, redirect, rewrite, mirrors };
}

/** Rule-level edits, then the backend's over them. */
export function layered(rule: HeaderEdits | undefined, own: HeaderEdits | undefined): HeaderEdits | undefined {
  if (!rule && !own) return undefined;
  return combine(rule ?? NO_EDITS, own ?? NO_EDITS);
}
