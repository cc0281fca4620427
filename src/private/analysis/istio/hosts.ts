/**
 * Hosts as Istio's analyzers compare them: a leading `*` matches any suffix, a short name is a Service of the
 * namespace it is written in, and a host is visible from a namespace only where its `exportTo` lets it be.
 */
import { Resource } from './resources';
import { serviceHost } from '../../model/group';

/** `*` exports to every namespace, `.` to the object's own. */
export const EXPORT_TO_ALL = '*';
export const EXPORT_TO_OWN = '.';

export function isWildcard(host: string): boolean {
  return host.startsWith('*');
}

/** Whether two hosts, either of which may be a wildcard, can name the same host (`*.d` and `*.productpage.d` do). */
export function hostsMatch(a: string, b: string): boolean {
  // Stryker disable next-line EqualityOperator,MethodExpression: of two wildcards of one length either comparison is equality; x.endsWith(s) equals x.slice(1).endsWith(s) when s is shorter than x
  if (isWildcard(a) && isWildcard(b)) return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
  if (isWildcard(a)) return b.endsWith(a.slice(1));
  if (isWildcard(b)) return a.endsWith(b.slice(1));
  return a === b;
}

/** Istio's `host.Name.SubsetOf`: every host `a` names, `b` names too. */
export function hostSubsetOf(a: string, b: string): boolean {
  if (!b.startsWith('*')) return a === b;
  return a.startsWith('*') ? a.length >= b.length && a.endsWith(b.slice(1)) : a.endsWith(b.slice(1));
}

/** A host written in `namespace`: a short name (no dot, no wildcard) is that namespace's Service. */
export function fqdn(host: string, namespace: string, domain: string): string {
  return isWildcard(host) || host.includes('.') ? host : serviceHost(host, namespace, domain);
}

/** The Service a host names, as `namespace/name`, when it is a Service's host (short, or `name.namespace.svc.DOMAIN`). */
export function resourceNameOf(host: string, namespace: string, domain: string): string {
  const suffix = `.svc.${domain}`;
  if (host.endsWith(suffix)) {
    const base = host.slice(0, -suffix.length);
    // Istio's pattern `^(.+)\.(.+)\.svc\.DOMAIN$`: the last dot is the boundary, with a name before it and a namespace after it
    const at = base.lastIndexOf('.');
    if (at > 0 && at < base.length - 1) return `${base.slice(at + 1)}/${base.slice(0, at)}`;
  }
  return `${namespace}/${host}`;
}

/** A host scoped to the namespaces that see it: `scope/fqdn`. */
export function scoped(scope: string, namespace: string, host: string, domain: string): string {
  return `${scope}/${fqdn(host, namespace, domain)}`;
}

/** A scoped host's scope and host. */
export function splitScoped(key: string): [string, string] {
  const at = key.indexOf('/');
  return [key.slice(0, at), key.slice(at + 1)];
}

/** The namespaces an `exportTo` list makes an object of `namespace` visible to; `*` for all. */
export function visibleTo(exportTo: readonly string[], namespace: string): string[] {
  if (exportTo.length === 0 || exportTo.includes(EXPORT_TO_ALL)) return [EXPORT_TO_ALL];
  return [...new Set(exportTo.map(e => (e === EXPORT_TO_OWN ? namespace : e)))];
}

/** A service a host can reach: a ServiceEntry as written, or a Service as Istio sees it (a ServiceEntry of its host). */
export interface ServiceInfo {
  readonly resource: Resource;
  readonly ports: readonly number[];
  /** a ServiceEntry's `workloadSelector.labels` */
  readonly workloadLabels: { readonly [k: string]: string };
}

/** The hosts of the services read, scoped by the namespaces that see them (`scope/fqdn`), and those of them that are wildcards. */
export interface ServiceHosts {
  readonly byKey: ReadonlyMap<string, ServiceInfo>;
  readonly wildcards: ReadonlyArray<{ readonly scope: string; readonly host: string; readonly info: ServiceInfo }>;
}

/**
 * Every host of the ServiceEntries and Services read, scoped by who sees it. A ServiceEntry's `exportTo`, a Service's
 * `networking.istio.io/exportTo` annotation (comma-separated), all namespaces when unset. As in Istio, a Service
 * stands for its host over a ServiceEntry of the same host (Services are read last).
 */
export function serviceHosts(resources: readonly Resource[], domain: string): ServiceHosts {
  const found = new Map<string, ServiceInfo>();
  for (const r of resources) {
    if (!r.is('networking.istio.io', 'ServiceEntry')) continue;
    const info: ServiceInfo = {
      resource: r,
      ports: r.list(r.spec.ports).map(p => Number(r.map(p).number)),
      workloadLabels: r.labelMap(r.map(r.spec.workloadSelector).labels),
    };
    const scopes = visibleTo(r.strings(r.spec.exportTo), r.namespace);
    for (const h of r.strings(r.spec.hosts)) for (const s of scopes) found.set(scoped(s, r.namespace, h, domain), info);
  }
  for (const r of resources) {
    if (!r.is('', 'Service')) continue;
    const info: ServiceInfo = { resource: r, ports: r.list(r.spec.ports).map(p => Number(r.map(p).port)), workloadLabels: {} };
    const annotation = r.annotations['networking.istio.io/exportTo'];
    const scopes = annotation ? annotation.split(',').map(s => s.trim()).map(s => (s === EXPORT_TO_OWN ? r.namespace : s)) : [EXPORT_TO_ALL];
    for (const s of scopes) found.set(scoped(s, r.namespace, r.name, domain), info);
  }
  const wildcards = [...found].map(([key, info]) => ({ scope: splitScoped(key)[0], host: splitScoped(key)[1], info }))
    .filter(w => isWildcard(w.host));
  return { byKey: found, wildcards };
}

/**
 * The service a destination host written in `namespace` reaches, as Istio's analyzers find it: exported to all,
 * then to the namespaces the referring object's `exportTo` names (its own when unset), then a wildcard host seen
 * from `namespace`; undefined when none is read.
 */
export function destinationService(
  hosts: ServiceHosts, namespace: string, exportTo: readonly string[], host: string, domain: string,
): ServiceInfo | undefined {
  const all = hosts.byKey.get(scoped(EXPORT_TO_ALL, namespace, host, domain));
  if (all) return all;
  const scopes = exportTo.length === 0 ? [namespace] : exportTo.map(e => (e === EXPORT_TO_OWN ? namespace : e));
  for (const s of scopes) {
    const seen = hosts.byKey.get(scoped(s, namespace, host, domain));
    if (seen) return seen;
  }
  // Stryker disable next-line StringLiteral: other text for the star differs only against a ServiceEntry host ending in that text plus the rest, no valid host
  const bare = host.replace(/^\*/, '');
  return hosts.wildcards.find(w => (w.scope === EXPORT_TO_ALL || w.scope === namespace) && bare.endsWith(w.host.slice(1)))?.info;
}

/** A Gateway's server hosts as seen from `namespace` (`ns/host` kept only for that namespace or `*`, without its prefix). */
export function hostsForNamespace(hosts: readonly string[], namespace: string): string[] {
  const out: string[] = [];
  for (const h of hosts) {
    const at = h.indexOf('/');
    if (at < 0) out.push(h);
    else if (h.slice(0, at) === namespace || h.slice(0, at) === '*') out.push(h.slice(at + 1));
  }
  return out;
}
