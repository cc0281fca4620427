/**
 * Where an HTTPRoute attaches, per parentRef: the listeners of a Gateway that take it (by sectionName, port,
 * allowedRoutes and hostnames) with the hostnames it takes there, or a Service and its port (GAMMA). What keeps a
 * route from a parent is a note with the Gateway API's reason.
 */
import { fail, integer, list, mapping, onlyKeys, optionalText, text } from './fields';
import { Gateway, intersect, Listener, refusal } from './gateway';
import { qualifyHost } from '../../model/group';
import { show } from '../../validation/values';
import { ServiceInfo } from '../mesh';

/** The objects attachment depends on. */
export interface AttachContext {
  /** the Gateways read, by `namespace/name` */
  readonly gateways?: ReadonlyMap<string, Gateway>;
  /** the labels of the Namespace objects read */
  readonly namespaces?: ReadonlyMap<string, { readonly [key: string]: string }>;
  /** the Services read, by host */
  readonly services?: ReadonlyMap<string, ServiceInfo>;
}

/** Where one route attaches: a Gateway's listener with the hostnames it takes there, or a Service's port. */
export interface Attachment {
  readonly parent: string;
  readonly listener?: Listener;
  readonly gateway?: Gateway;
  /** undefined in the list: every hostname */
  readonly hostnames: ReadonlyArray<string | undefined>;
  readonly port?: number;
  /** a Service parent: its namespace (a route of another namespace is a consumer route) */
  readonly serviceNamespace?: string;
  readonly missing?: string;
}

/** Where a route attaches, per parentRef; what keeps it from a listener goes into `notes`. */
export function attachments(
  r: { readonly source: string }, namespace: string, hostnames: readonly string[], spec: { [key: string]: unknown },
  clusterDomain: string, context: AttachContext, notes: string[],
): Attachment[] {
  const out: Attachment[] = [];
  list(`${r.source} spec.parentRefs`, spec.parentRefs).forEach((pv, pi) => {
    const w = `${r.source} spec.parentRefs[${pi}]`;
    const p = mapping(w, pv);
    onlyKeys(w, p, ['name', 'namespace', 'group', 'kind', 'port', 'sectionName']);
    const kind = optionalText(`${w}.kind`, p.kind) ?? 'Gateway';
    const group = optionalText(`${w}.group`, p.group) ?? 'gateway.networking.k8s.io';
    const parentNs = optionalText(`${w}.namespace`, p.namespace) ?? namespace;
    const parentName = text(`${w}.name`, p.name);
    const port = p.port === undefined ? undefined : integer(`${w}.port`, p.port, 1, 65535);
    const section = optionalText(`${w}.sectionName`, p.sectionName);
    if (kind === 'Service') {
      if (group !== '') fail(w, `a Service parent needs group "" (the core group); got ${show(group)}`);
      const host = qualifyHost(parentName, parentNs, clusterDomain);
      // GAMMA: a mesh route's hostnames say nothing about the calls it takes (GEP-1294)
      if (hostnames.length) notes.push(`${w}: the route's hostnames (${hostnames.join(', ')}) are not used for a Service parent (GEP-1294); it takes every call to the Service`);
      // a sectionName names one of the Service's ports
      let sectionPort: number | undefined;
      if (section !== undefined) {
        const service = context.services?.get(host);
        sectionPort = service?.portNames.get(section);
        if (service && sectionPort === undefined) {
          notes.push(`${w}: Service ${parentNs}/${parentName} has no port named ${show(section)}, so the route is not attached there (NoMatchingParent)`);
          return;
        }
        if (!service) notes.push(`${w}: no Service ${parentNs}/${parentName} was read to tell which port is named ${show(section)}: the route is taken as attached to every port`);
        if (sectionPort !== undefined && port !== undefined && sectionPort !== port) {
          notes.push(`${w}: port ${show(section)} of Service ${parentNs}/${parentName} is ${sectionPort}, not ${port}, so the route is not attached there (NoMatchingParent)`);
          return;
        }
      }
      out.push({ parent: `mesh:${host}`, hostnames: [undefined], port: port ?? sectionPort, serviceNamespace: parentNs });
      return;
    }
    if (kind !== 'Gateway') fail(w, `a parent of kind ${show(kind)} is not supported by the lane simulation (Gateway or Service)`);
    const key = `${parentNs}/${parentName}`;
    const gateway = context.gateways?.get(key);
    if (!gateway) {
      if (out.some(a => a.missing === key)) return;
      out.push({ parent: `gateway:${key}`, hostnames: hostnames.length ? hostnames : [undefined], port, missing: key });
      return;
    }
    const named = gateway.listeners.filter(l => (section === undefined || l.name === section) && (port === undefined || l.port === port));
    if (named.length === 0) {
      notes.push(`${w}: Gateway ${key} has no listener${section !== undefined ? ` named ${show(section)}` : ''}${port !== undefined ? ` on port ${port}` : ''}, so the route is not attached there (NoMatchingParent)`);
    }
    for (const l of named) {
      const why = refusal(l, gateway, namespace, context.namespaces ?? new Map());
      if (why) {
        notes.push(`${w}: listener ${show(l.name)} of Gateway ${key} does not take the route: ${why} (NotAllowedByListeners)`);
        continue;
      }
      if (l.from === 'Selector' && !context.namespaces?.has(namespace)) {
        notes.push(`${w}: listener ${show(l.name)} of Gateway ${key} takes routes of the namespaces its selector selects, and no Namespace ${namespace} was read: the route is taken as attached`);
      }
      const taken = intersect(l.hostname, hostnames);
      if (taken.length === 0) {
        notes.push(`${w}: none of the route's hostnames (${hostnames.join(', ')}) intersects listener ${show(l.name)}'s ${l.hostname} of Gateway ${key}, so the route is not attached there (NoMatchingListenerHostname)`);
        continue;
      }
      out.push({ parent: `gateway:${key}`, listener: l, gateway, hostnames: taken });
    }
  });
  return out;
}
