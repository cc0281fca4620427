/**
 * Gateways, their listeners, and how HTTPRoutes attach to them, with the Gateway API's rules:
 * - a parentRef selects the listeners its `sectionName` and `port` name (all when it names neither);
 * - a listener takes an HTTPRoute when its protocol is HTTP or HTTPS, its `allowedRoutes.kinds` allow it, and
 *   its `allowedRoutes.namespaces` (`Same`, `All`, or `Selector` against the labels of the Namespace objects
 *   read) take the route's namespace;
 * - the route's hostnames intersect the listener's (a leading `*.` is a suffix of one or more labels); the
 *   hostnames a request is routed by are the intersections, and a route with none is not attached.
 */
import { fail, integer, list, mapping, onlyKeys, optionalList, optionalMapping, optionalText, text, textMap } from './fields';
import { labelsSelect, show } from '../../validation/values';

export interface Listener {
  readonly name: string;
  readonly port: number;
  readonly protocol: string;
  /** undefined: every hostname */
  readonly hostname?: string;
  readonly from: 'Same' | 'All' | 'Selector';
  readonly selector?: LabelSelector;
  /** the route kinds it takes (`group/kind`); undefined: those of its protocol */
  readonly kinds?: readonly string[];
}

export interface Gateway {
  /** `namespace/name` */
  readonly key: string;
  readonly namespace: string;
  readonly location: string;
  readonly listeners: readonly Listener[];
}

export interface LabelSelector {
  readonly matchLabels: { readonly [key: string]: string };
  readonly matchExpressions: ReadonlyArray<{ readonly key: string; readonly operator: string; readonly values: readonly string[] }>;
}

const GROUP = 'gateway.networking.k8s.io';

function labelSelector(where: string, v: unknown): LabelSelector {
  const m = mapping(where, v);
  onlyKeys(where, m, ['matchLabels', 'matchExpressions']);
  const matchExpressions = optionalList(`${where}.matchExpressions`, m.matchExpressions).map((e, i) => {
    const w = `${where}.matchExpressions[${i}]`;
    const x = mapping(w, e);
    onlyKeys(w, x, ['key', 'operator', 'values']);
    const operator = text(`${w}.operator`, x.operator);
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(operator)) fail(`${w}.operator`, `must be In, NotIn, Exists or DoesNotExist, got ${show(operator)}`);
    return { key: text(`${w}.key`, x.key), operator, values: optionalList(`${w}.values`, x.values).map((s, j) => text(`${w}.values[${j}]`, s)) };
  });
  return { matchLabels: m.matchLabels === undefined || m.matchLabels === null ? {} : textMap(`${where}.matchLabels`, m.matchLabels), matchExpressions };
}

/** Whether labels satisfy a selector (Kubernetes label selector semantics). */
export function selects(s: LabelSelector, labels: { readonly [key: string]: string }): boolean {
  if (!labelsSelect(s.matchLabels, labels)) return false;
  for (const e of s.matchExpressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** One Gateway (`gateway.networking.k8s.io` v1 or v1beta1) and its listeners. */
export function readGateway(source: string, location: string, obj: any): Gateway {
  const md = optionalMapping(`${source} metadata`, obj.metadata) ?? {};
  const namespace = optionalText(`${source} metadata.namespace`, md.namespace) ?? 'default';
  const name = text(`${source} metadata.name`, md.name);
  const spec = mapping(`${source} spec`, obj.spec);
  const listeners = list(`${source} spec.listeners`, spec.listeners).map((lv, i) => {
    const where = `${source} spec.listeners[${i}]`;
    const l = mapping(where, lv);
    const allowed = optionalMapping(`${where}.allowedRoutes`, l.allowedRoutes) ?? {};
    onlyKeys(`${where}.allowedRoutes`, allowed, ['namespaces', 'kinds']);
    const namespaces = optionalMapping(`${where}.allowedRoutes.namespaces`, allowed.namespaces) ?? {};
    onlyKeys(`${where}.allowedRoutes.namespaces`, namespaces, ['from', 'selector']);
    const from = optionalText(`${where}.allowedRoutes.namespaces.from`, namespaces.from) ?? 'Same';
    if (from !== 'Same' && from !== 'All' && from !== 'Selector') fail(`${where}.allowedRoutes.namespaces.from`, `must be Same, All or Selector, got ${show(from)}`);
    const selector = from === 'Selector' ? labelSelector(`${where}.allowedRoutes.namespaces.selector`, namespaces.selector) : undefined;
    const kinds = allowed.kinds === undefined || allowed.kinds === null ? undefined : list(`${where}.allowedRoutes.kinds`, allowed.kinds).map((kv, k) => {
      const km = mapping(`${where}.allowedRoutes.kinds[${k}]`, kv);
      return `${optionalText(`${where}.allowedRoutes.kinds[${k}].group`, km.group) ?? GROUP}/${text(`${where}.allowedRoutes.kinds[${k}].kind`, km.kind)}`;
    });
    const hostname = optionalText(`${where}.hostname`, l.hostname)?.toLowerCase();
    return {
      name: text(`${where}.name`, l.name),
      port: integer(`${where}.port`, l.port, 1, 65535),
      protocol: text(`${where}.protocol`, l.protocol),
      hostname,
      from,
      selector,
      kinds,
    } as Listener;
  });
  return { key: `${namespace}/${name}`, namespace, location, listeners };
}

/** Whether hostname `a` (exact or `*.` wildcard) covers every host `b` covers; `undefined` is every host. */
export function covers(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined) return true;
  if (b === undefined) return false;
  if (a === b) return true;
  // a wildcard takes one or more whole labels before its suffix: `*.a.com` covers `x.a.com`, not `a.com`
  return a.startsWith('*.') && b.endsWith(a.slice(1)) && b.length >= a.length;
}

/**
 * The hostnames a route takes through a listener: each route hostname intersected with the listener's (the more
 * specific of two that intersect); the listener's own when the route names none; [] when none intersect.
 * Undefined stands for every hostname.
 */
export function intersect(listener: string | undefined, route: readonly string[]): Array<string | undefined> {
  if (route.length === 0) return [listener];
  const out: Array<string | undefined> = [];
  for (const h of route) {
    const hit = covers(listener, h) ? h : covers(h, listener) ? listener : null;
    if (hit !== null && !out.includes(hit)) out.push(hit);
  }
  return out;
}

/** Why a listener does not take a route of `namespace`; undefined when it does. */
export function refusal(
  l: Listener, gateway: Gateway, namespace: string, namespaceLabels: ReadonlyMap<string, { readonly [key: string]: string }>,
): string | undefined {
  if (l.protocol !== 'HTTP' && l.protocol !== 'HTTPS') return `its protocol ${l.protocol} takes no HTTPRoute`;
  // no kinds, or an empty list: those of the protocol (HTTPRoute for HTTP and HTTPS)
  if (l.kinds !== undefined && l.kinds.length > 0 && !l.kinds.includes(`${GROUP}/HTTPRoute`)) return `its allowedRoutes.kinds (${l.kinds.join(', ')}) do not take HTTPRoute`;
  if (l.from === 'Same' && namespace !== gateway.namespace) return `it takes routes of its own namespace ${gateway.namespace} only`;
  if (l.from === 'Selector') {
    const labels = namespaceLabels.get(namespace);
    if (labels === undefined) return undefined; // not read: taken, and said by the caller
    if (!selects(l.selector!, labels)) return `its allowedRoutes.namespaces.selector does not select namespace ${namespace}`;
  }
  return undefined;
}

/** The labels of the Namespace objects read, each with its implicit `kubernetes.io/metadata.name`. */
export function readNamespace(source: string, obj: any): [string, { [key: string]: string }] {
  const md = mapping(`${source} metadata`, obj.metadata);
  const name = text(`${source} metadata.name`, md.name);
  const labels = md.labels === undefined || md.labels === null ? {} : textMap(`${source} metadata.labels`, md.labels);
  return [name, { ...labels, 'kubernetes.io/metadata.name': name }];
}

/** The hostnames among `others` that are more specific than some of `own` and not themselves own. */
export function moreSpecific(own: ReadonlyArray<string | undefined>, others: Iterable<string | undefined>): string[] {
  const out = new Set<string>();
  for (const o of others) {
    // never undefined (every hostname): only undefined covers it, and that is then own
    if (!own.includes(o) && own.some(h => covers(h, o))) out.add(o as string);
  }
  return [...out].sort();
}
