/**
 * Checks that only the whole app can answer, run once per app at synth time (one validation on the
 * app's root, whatever the number of routings): two objects with the same kind, namespace and name, two
 * sidecar (mesh) VirtualServices for the same host (Istio keeps only one of them), and two
 * DestinationRules for the same host (Istio merges them and drops duplicate subsets).
 */
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';

interface Registry {
  /** mesh VirtualServices rendered by this library → their hosts (known without rendering) */
  readonly meshHosts: Map<ApiObject, readonly string[]>;
  /** DestinationRules rendered by this library → their host */
  readonly ruleHosts: Map<ApiObject, string>;
}

const REGISTRIES = new WeakMap<IConstruct, Registry>();

/** Registers a sidecar VirtualService this library renders, and the app-wide checks on first use. */
export function registerMeshVirtualService(obj: ApiObject, hosts: readonly string[]): void {
  registry(obj).meshHosts.set(obj, hosts);
}

/** Registers a DestinationRule this library renders, with its host. */
export function registerDestinationRule(obj: ApiObject, host: string): void {
  registry(obj).ruleHosts.set(obj, host);
}

/** Makes sure the app-wide checks run for the app that holds `scope`. */
export function registry(scope: IConstruct): Registry {
  const root = scope.node.root;
  let reg = REGISTRIES.get(root);
  if (!reg) {
    const created: Registry = { meshHosts: new Map(), ruleHosts: new Map() };
    reg = created;
    REGISTRIES.set(root, created);
    root.node.addValidation({ validate: () => appErrors(root, created) });
  }
  return reg;
}

/** `name` or `name.ns` resolve against the VirtualService's namespace (Istio's short-name rule). */
function qualify(host: string, namespace: string | undefined): string {
  const parts = host.split('.');
  if (host.includes('*') || parts.length > 2) return host;
  if (parts.length === 2) return `${host}.svc.cluster.local`;
  return `${host}.${namespace ?? 'default'}.svc.cluster.local`;
}

function describe(obj: ApiObject): string {
  return `${obj.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.name} [${obj.node.path}]`;
}

export function appErrors(root: IConstruct, reg: Registry): string[] {
  const errors: string[] = [];
  const byIdentity = new Map<string, ApiObject>();
  const byMeshHost = new Map<string, ApiObject>();
  const byRuleHost = new Map<string, ApiObject>();
  for (const c of root.node.findAll()) {
    if (!ApiObject.isApiObject(c)) continue;
    const obj = c as ApiObject;
    const identity = `${obj.apiGroup}|${obj.kind}|${obj.metadata.namespace ?? ''}|${obj.name}`;
    const same = byIdentity.get(identity);
    if (same) {
      errors.push(`${describe(obj)} has the same kind, namespace and name as ${describe(same)}; a cluster holds one object per kind, namespace and name, so give one of them another name`);
    } else {
      byIdentity.set(identity, obj);
    }

    if (obj.kind === 'DestinationRule' && obj.apiGroup === 'networking.istio.io') {
      const host = reg.ruleHosts.get(obj) ?? obj.toJson()?.spec?.host;
      if (typeof host !== 'string') continue;
      const key = qualify(host, obj.metadata.namespace);
      const other = byRuleHost.get(key);
      if (other) {
        errors.push(`${describe(obj)} and ${describe(other)} are both DestinationRules for host "${key}"; Istio merges them and drops duplicate subsets, so define the host's subsets in one place (omit podLabels on one side)`);
      } else {
        byRuleHost.set(key, obj);
      }
      continue;
    }
    if (obj.kind !== 'VirtualService') continue;
    let hosts = reg.meshHosts.get(obj);
    if (!hosts) {
      // a VirtualService this library did not render: read its spec
      const spec = obj.toJson()?.spec ?? {};
      const gateways: string[] | undefined = spec.gateways;
      const mesh = !gateways || gateways.length === 0 || gateways.includes('mesh');
      hosts = mesh ? (spec.hosts ?? []) : [];
    }
    for (const host of hosts!) {
      const key = qualify(host, obj.metadata.namespace);
      const other = byMeshHost.get(key);
      if (other) {
        errors.push(`${describe(obj)} and ${describe(other)} are both sidecar VirtualServices for host "${key}"; Istio keeps only one VirtualService per host on sidecars and drops the other, so route this host from one place`);
      } else {
        byMeshHost.set(key, obj);
      }
    }
  }
  return errors;
}
