/**
 * The backends HTTPRoutes refer to: Services by host, with what the input does not settle about them (a reference
 * no ReferenceGrant permits, a Service not read, a kind the simulation does not model) and what only the run time
 * decides (the protocol a port's appProtocol names, endpoints written outside the Service).
 */
import { integer, optionalText, text } from './fields';
import { serviceHost } from '../../model/group';
import { show } from '../../validation/values';
import { Backend, ServiceInfo, Unresolved } from '../mesh';

/** What the backends are checked against: the other objects of the input. */
export interface BackendContext {
  /** what the ReferenceGrants read permit (readGrant) */
  readonly granted?: readonly Grant[];
  /** the Services read, by host */
  readonly services?: ReadonlyMap<string, ServiceInfo>;
}

/** A backendRef (or a mirror's): the backend, and what the input does not settle about it. */
export function readBackendRef(
  where: string, b: { [key: string]: unknown }, namespace: string, clusterDomain: string, context: BackendContext, mesh: boolean,
): Backend & { unresolved?: Unresolved; notes?: string[] } {
  const kind = optionalText(`${where}.kind`, b.kind) ?? 'Service';
  const group = optionalText(`${where}.group`, b.group) ?? '';
  const backendNs = optionalText(`${where}.namespace`, b.namespace) ?? namespace;
  const backendName = text(`${where}.name`, b.name);
  const port = b.port === undefined ? undefined : integer(`${where}.port`, b.port, 1, 65535);
  if (kind !== 'Service' || group !== '') {
    const reason = `${where}: a backend of kind ${show(`${group === '' ? 'core' : group}/${kind}`)} (${backendNs}/${backendName}), which the lane simulation does not model`;
    return { host: `${kind}:${backendNs}/${backendName}`, port, unresolved: { why: 'kind', reason, assumed: 'its answer is unknown' } };
  }
  const host = serviceHost(backendName, backendNs, clusterDomain);
  // Stryker disable next-line ArrayDeclaration: a placeholder entry has no namespace, so it permits nothing, as no grant does
  const grants = context.granted ?? [];
  const permits = (g: Grant) => g.namespace === backendNs && g.from.includes(namespace) && (g.to === undefined || g.to.includes(backendName));
  // mesh routes augment Services the caller reaches anyway: no ReferenceGrant is needed (GEP-1294)
  if (backendNs !== namespace && !mesh && !grants.some(permits)) {
    const reason = `${where}: Service ${backendNs}/${backendName} is in another namespace, and no ReferenceGrant read lets HTTPRoutes of ${namespace} refer to it (RefNotPermitted)`;
    return { host, port, unresolved: { why: 'refused', reason, assumed: 'routed as if a ReferenceGrant permitted it' } };
  }
  const service = context.services?.get(host);
  if (!service) {
    return { host, port, unresolved: { why: 'missing', reason: `${where}: no Service ${backendNs}/${backendName} was read`, assumed: 'routed as if it existed' } };
  }
  const notes: string[] = [];
  // no Service port is 0 (ports are 1 to 65535): without a port there is no appProtocol
  const app = service.appProtocols.get(port ?? 0);
  if (app !== undefined) notes.push(`${where}: port ${port} of Service ${backendNs}/${backendName} has appProtocol ${app}: whether the proxy and the backend agree on that protocol only the run time decides`);
  if (!service.selects) notes.push(`${where}: Service ${backendNs}/${backendName} has no selector: its endpoints are EndpointSlices written outside it, which only the run time holds`);
  return { host, port, ...(notes.length ? { notes } : {}) };
}

export interface Grant {
  readonly namespace: string;
  /** namespaces whose HTTPRoutes may refer */
  readonly from: readonly string[];
  /** the Services they may refer to; undefined: every Service */
  readonly to?: readonly string[];
}

/** What a ReferenceGrant lets HTTPRoutes refer to (Services); undefined when it grants nothing of the kind. */
export function readGrant(obj: any): Grant | undefined {
  // Stryker disable next-line ArrayDeclaration: the fallback list is filtered to HTTPRoute entries, which any placeholder is not
  const from = (Array.isArray(obj?.spec?.from) ? obj.spec.from : []).filter((f: any) => f?.group === 'gateway.networking.k8s.io' && f.kind === 'HTTPRoute').map((f: any) => String(f.namespace));
  // Stryker disable next-line ArrayDeclaration: the fallback list is filtered to Service entries, which any placeholder is not
  const to = (Array.isArray(obj?.spec?.to) ? obj.spec.to : []).filter((t: any) => (t?.group ?? '') === '' && t?.kind === 'Service');
  // Stryker disable next-line ConditionalExpression,LogicalOperator: a grant with no from or no to permits nothing either way (permits needs both to list the reference)
  if (from.length === 0 || to.length === 0) return undefined;
  const namespace = typeof obj.metadata?.namespace === 'string' ? obj.metadata.namespace : 'default';
  return { namespace, from, to: to.some((t: any) => t.name === undefined) ? undefined : to.map((t: any) => String(t.name)) };
}
