/**
 * Reads manifests (YAML text, or the objects a construct synthesizes) into the mesh the simulation runs
 * on: every VirtualService and DestinationRule (virtual-service.ts), every HTTPRoute (httproute.ts), and the
 * routing ASM generates for its lane resources (asm.ts); then resolves delegation (delegation.ts).
 */
import { modelAsmLaneGroups } from './asm';
import { resolveDelegation } from './delegation';
import { integer, mapping, optionalList, optionalMapping, optionalText, text, textMap } from './fields';
import { Gateway, readGateway, readNamespace } from './gateway';
import { HttpRouteSource, Read, readHttpRoute, routeContext, routeTables } from './httproute';
import { qualifyHost, serviceHost } from '../../model/group';
import { DEFAULT_ASM_GENERATED_NAMESPACE, DEFAULT_CLUSTER_DOMAIN } from '../../model/types';
import { WORKLOAD_KINDS } from '../../model/workloads';
import { Mesh, RuleSource, ServiceInfo, SubsetLabels, WorkloadInfo } from '../mesh';
import { RawTable, readVirtualService } from './virtual-service';
import { aliasBudget, parseYamlText } from './yaml';
import { brief, list, show } from '../../validation/values';

/** One Kubernetes object, and where it comes from (a file name and the document's index; none: a construct). */
export interface Manifest {
  readonly origin?: string;
  /** 1-based index of the document in its file */
  readonly index?: number;
  /** the construct that synthesizes it (objects of an app checked at synth) */
  readonly path?: string;
  readonly obj: any;
}

export interface ReadOptions {
  /** the cluster domain of service hosts (ASM lane groups name services, not hosts) */
  readonly clusterDomain?: string;
  /** where ASM writes the VirtualServices it generates for lane groups */
  readonly asmGeneratedNamespace?: string;
  /** a request is handled only by the most specific Gateway listener that matches it (default true) */
  readonly listenerIsolation?: boolean;
  /** a mesh without a VirtualService is fine (the analyzer reads any input) */
  readonly allowEmpty?: boolean;
  /**
   * Called for each object the reader refuses (a redirect, a fault, a broken field, ...), which is then
   * left out; without it the first such object is an error.
   */
  readonly leaveOut?: (m: Manifest, message: string) => void;
}

/**
 * Every object of multi-document YAML sources, each named by its source and its document's index (yaml.ts reads them
 * strictly). Empty documents are skipped, as kubectl skips them; a document that is a scalar or a list is an error.
 */
export function parseYaml(sources: ReadonlyArray<{ readonly name: string; readonly text: string }>): Manifest[] {
  const out: Manifest[] = [];
  const budget = aliasBudget(sources.reduce((sum, f) => sum + f.text.length, 0));
  for (const file of sources) {
    for (const { index, value } of parseYamlText(file.name, file.text, budget)) {
      if (value === null) continue;
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw new Error(`${file.name} (document ${index}): a document must be a Kubernetes object (a mapping), got ${show(value)}`);
      }
      // a List (`kubectl get -o yaml`) holds its objects in items
      const items = (value as any).kind === 'List' && Array.isArray((value as any).items) ? (value as any).items : [value];
      for (const item of items) out.push({ origin: file.name, index, obj: item });
    }
  }
  return out;
}

/** How results name an object: `file: Kind namespace/name`. */
export function sourceOf(m: Manifest): string {
  // a List's item may be anything (null, a scalar): it is named as an object without kind or name
  const obj = m.obj ?? {};
  const md = obj.metadata ?? {};
  const kind = typeof obj.kind === 'string' ? brief(obj.kind) : '(no kind)';
  const name = `${kind} ${typeof md.namespace === 'string' ? `${brief(md.namespace)}/` : ''}${typeof md.name === 'string' ? brief(md.name) : '(unnamed)'}`;
  if (m.path !== undefined) return `${name} [${m.path}]`;
  return m.origin !== undefined ? `${m.origin}: ${name}` : name;
}

/** How errors name an object: with the document's index, `file (document 3): Kind namespace/name`. */
export function locationOf(m: Manifest): string {
  return m.origin !== undefined ? sourceOf(m).replace(`${m.origin}: `, `${m.origin} (document ${m.index}): `) : sourceOf(m);
}

/** Runs `read`; an error it raises about `m` names the document's index too. */
function located<T>(m: Manifest, read: () => T): T {
  try {
    return read();
  } catch (e) {
    const message = (e as Error).message;
    const source = sourceOf(m);
    throw new Error(message.startsWith(source) ? locationOf(m) + message.slice(source.length) : `${locationOf(m)}: ${message}`);
  }
}

/** The metadata the reader uses, type-checked. */
function metadataOf(m: Manifest, source = sourceOf(m)): { name?: string; namespace?: string; labels?: { [key: string]: string } } {
  const md = optionalMapping(`${source} metadata`, m.obj.metadata) ?? {};
  return {
    name: optionalText(`${source} metadata.name`, md.name),
    namespace: optionalText(`${source} metadata.namespace`, md.namespace),
    labels: md.labels === undefined || md.labels === null ? undefined : textMap(`${source} metadata.labels`, md.labels),
  };
}

function readSubsets(m: Manifest, clusterDomain: string, subsets: SubsetLabels, rules: Map<string, RuleSource[]>): void {
  const source = sourceOf(m);
  const md = metadataOf(m, source);
  const spec = mapping(`${source} spec`, m.obj.spec);
  const host = qualifyHost(text(`${source} spec.host`, spec.host), md.namespace, clusterDomain);
  const read = new Map<string, { readonly [key: string]: string }>();
  optionalList(`${source} spec.subsets`, spec.subsets).forEach((v, i) => {
    const subset = mapping(`${source} spec.subsets[${i}]`, v);
    const labels = subset.labels === undefined || subset.labels === null ? {} : textMap(`${source} spec.subsets[${i}].labels`, subset.labels);
    read.set(text(`${source} spec.subsets[${i}].name`, subset.name), { ...labels });
  });
  const bySubset = subsets.get(host) ?? new Map();
  for (const [name, labels] of read) bySubset.set(name, labels);
  subsets.set(host, bySubset);
  addRule(rules, host, { location: locationOf(m), subsets: [...read.keys()] });
}

/** A Service: its host and ports. */
function readService(m: Manifest, clusterDomain: string, services: Map<string, ServiceInfo>): void {
  const source = sourceOf(m);
  const md = metadataOf(m, source);
  const spec = optionalMapping(`${source} spec`, m.obj.spec) ?? {};
  const appProtocols = new Map<number, string>();
  const portNames = new Map<string, number>();
  const ports = optionalList(`${source} spec.ports`, spec.ports).map((p, i) => {
    const pm = mapping(`${source} spec.ports[${i}]`, p);
    const port = integer(`${source} spec.ports[${i}].port`, pm.port, 1, 65535);
    const app = optionalText(`${source} spec.ports[${i}].appProtocol`, pm.appProtocol);
    if (app !== undefined) appProtocols.set(port, app);
    const name = optionalText(`${source} spec.ports[${i}].name`, pm.name);
    if (name !== undefined) portNames.set(name, port);
    return port;
  });
  const selector = spec.selector !== undefined && spec.selector !== null ? textMap(`${source} spec.selector`, spec.selector) : {};
  const selects = Object.keys(selector).length > 0;
  services.set(serviceHost(text(`${source} metadata.name`, md.name), md.namespace ?? 'default', clusterDomain), { ports, portNames, appProtocols, selects, ...(selects ? { selector } : {}) });
}

/** A workload: its name and its pods' labels. */
function readWorkload(m: Manifest): WorkloadInfo {
  const source = sourceOf(m);
  const md = metadataOf(m, source);
  const template = optionalMapping(`${source} spec.template`, optionalMapping(`${source} spec`, m.obj.spec)?.template);
  const labels = textMap(`${source} spec.template.metadata.labels`, optionalMapping(`${source} spec.template.metadata`, template?.metadata)?.labels ?? {});
  const namespace = md.namespace ?? 'default';
  return { name: `${m.obj.kind} ${namespace}/${text(`${source} metadata.name`, md.name)}`, namespace, labels };
}

function addRule(rules: Map<string, RuleSource[]>, host: string, rule: RuleSource): void {
  const known = rules.get(host);
  if (known) known.push(rule);
  else rules.set(host, [rule]);
}

/**
 * The mesh of a set of manifests: VirtualServices and DestinationRules (`networking.istio.io/*`), and ASM
 * lane resources (ASMSwimLaneGroup and its ASMSwimLanes), whose per-service routing is modelled. Delegation
 * is resolved. Other kinds are skipped and counted in a note.
 */
export function readMesh(manifests: readonly Manifest[], options: ReadOptions = {}): Mesh {
  const clusterDomain = options.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
  // an object the reader refuses: an error, or left out (the lenient reader)
  const readOne = (m: Manifest, f: () => void) => {
    if (!options.leaveOut) return located(m, f);
    try {
      located(m, f);
    } catch (e) {
      options.leaveOut(m, (e as Error).message);
    }
  };
  const tables: RawTable[] = [];
  const subsets: SubsetLabels = new Map();
  const rules = new Map<string, RuleSource[]>();
  const groups: Manifest[] = [];
  const lanes: Manifest[] = [];
  const httpRoutes: Manifest[] = [];
  // Stryker disable next-line ArrayDeclaration: readGrant() grants nothing for an entry that is no object, so a placeholder is dropped
  const grants: any[] = [];
  const gateways = new Map<string, Gateway>();
  const namespaces = new Map<string, { [key: string]: string }>();
  const services = new Map<string, ServiceInfo>();
  const workloads: WorkloadInfo[] = [];
  const routeNotes: string[] = [];
  const skipped = new Map<string, number>();
  for (const m of manifests) {
    const obj = m.obj;
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      const message = `${m.origin ?? 'input'} (document ${m.index ?? 1}): a Kubernetes object must be a mapping, got ${show(obj)}`;
      if (!options.leaveOut) throw new Error(message);
      options.leaveOut(m, message);
      continue;
    }
    // Stryker disable next-line StringLiteral: any text that is no API group of the kinds read is skipped alike
    const noApiVersion = '';
    const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : noApiVersion;
    const kind = typeof obj.kind === 'string' ? obj.kind : '(no kind)';
    if (apiVersion === 'istio.alibabacloud.com/v1' && (kind === 'ASMSwimLaneGroup' || kind === 'ASMSwimLane')) {
      (kind === 'ASMSwimLaneGroup' ? groups : lanes).push(m);
    } else if (apiVersion.startsWith('networking.istio.io/') && kind === 'VirtualService') {
      readOne(m, () => {
        const source = sourceOf(m);
        tables.push(Object.assign(readVirtualService(source, metadataOf(m, source), obj.spec ?? {}, clusterDomain), { location: locationOf(m) }));
      });
    } else if (apiVersion.startsWith('gateway.networking.k8s.io/') && kind === 'HTTPRoute') {
      // read once the Gateways, Services and grants of the whole input are known
      httpRoutes.push(m);
    } else if (apiVersion.startsWith('gateway.networking.k8s.io/') && kind === 'ReferenceGrant') {
      grants.push(obj);
    } else if ((apiVersion === 'gateway.networking.k8s.io/v1' || apiVersion === 'gateway.networking.k8s.io/v1beta1') && kind === 'Gateway') {
      readOne(m, () => {
        const g = readGateway(sourceOf(m), locationOf(m), obj);
        gateways.set(g.key, g);
      });
    } else if (apiVersion === 'v1' && kind === 'Namespace') {
      readOne(m, () => {
        const [name, labels] = readNamespace(sourceOf(m), obj);
        namespaces.set(name, labels);
      });
    } else if (apiVersion === 'v1' && kind === 'Service') {
      readOne(m, () => readService(m, clusterDomain, services));
    } else if (apiVersion.startsWith('networking.istio.io/') && kind === 'DestinationRule') {
      readOne(m, () => readSubsets(m, clusterDomain, subsets, rules));
    } else if (WORKLOAD_KINDS.includes(`${apiVersion} ${kind}`)) {
      // the workloads a lane forks are the workloads read: what serves a Service's pods
      readOne(m, () => workloads.push(readWorkload(m)));
    } else {
      skipped.set(kind, (skipped.get(kind) ?? 0) + 1);
    }
  }
  const generated = modelAsmLaneGroups(
    groups.map(g => ({ source: sourceOf(g), location: locationOf(g), obj: g.obj, name: located(g, () => metadataOf(g).name) })),
    lanes.map(l => ({ obj: l.obj, group: located(l, () => metadataOf(l).labels?.['swimlane-group']) })),
    {
      clusterDomain,
      asmGeneratedNamespace: options.asmGeneratedNamespace ?? DEFAULT_ASM_GENERATED_NAMESPACE,
    },
  );
  for (const [host, bySubset] of generated.subsets) subsets.set(host, bySubset);
  for (const [host, rule] of generated.rules) addRule(rules, host, rule);
  const context = routeContext({ grants, gateways, namespaces, services, listenerIsolation: options.listenerIsolation });
  // each route alone, so that a route the simulation cannot model is left out (or named) by itself
  const reads: Read[] = [];
  for (const m of httpRoutes) {
    const source: HttpRouteSource = { source: sourceOf(m), location: locationOf(m), obj: m.obj };
    readOne(m, () => reads.push(...readHttpRoute(source, clusterDomain, context, routeNotes)));
  }
  tables.push(...routeTables(reads, context, routeNotes));
  const resolved = resolveDelegation(tables, generated.tables);
  const notes = [...resolved.notes, ...routeNotes];
  const groupNames = new Set(groups.map(g => metadataOf(g).name));
  for (const l of lanes) {
    const group = metadataOf(l).labels?.['swimlane-group'];
    if (!groupNames.has(group)) notes.push(`${locationOf(l)}: its swimlane-group label ${show(group)} names no ASMSwimLaneGroup read, so it routes nothing`);
  }
  if (skipped.size > 0) {
    const kinds = [...skipped].map(([k, n]) => `${brief(k)} (${n})`).join(', ');
    notes.push(`skipped ${[...skipped.values()].reduce((a, b) => a + b, 0)} objects of kinds the simulation does not read: ${kinds}`);
  }
  if (resolved.tables.length === 0 && services.size === 0 && !options.allowEmpty) {
    const origins = [...new Set(manifests.map(m => m.origin).filter((o): o is string => o !== undefined))];
    const kinds = new Map(skipped);
    for (const w of workloads) kinds.set(w.name.split(' ')[0], (kinds.get(w.name.split(' ')[0]) ?? 0) + 1);
    const read = kinds.size ? `; read: ${[...kinds].map(([k, n]) => `${brief(k)} (${n})`).join(', ')}` : '';
    throw new Error(`no VirtualService found${origins.length ? ` in ${list(origins)}` : ''} (apiVersion networking.istio.io/*, kind VirtualService, with hosts; or gateway.networking.k8s.io/v1 HTTPRoutes)${read}`);
  }
  return { tables: resolved.tables, subsets, rules, notes, forwarded: generated.forwarded, services, workloads };
}

/** What the lenient reader left out, and why. */
export interface Unmodelled {
  readonly manifest: Manifest;
  readonly message: string;
}

/**
 * The mesh of the manifests the simulation can model; the others (redirects, faults, TCP routes, broken
 * fields, ...) are left out and returned with the reason, so that an analysis goes on without them.
 */
export function readMeshLeniently(manifests: readonly Manifest[], options: ReadOptions = {}): { mesh: Mesh; unmodelled: Unmodelled[] } {
  const unmodelled: Unmodelled[] = [];
  const leaveOut = (manifest: Manifest, message: string) => unmodelled.push({ manifest, message });
  try {
    return { mesh: readMesh(manifests, { ...options, allowEmpty: true, leaveOut }), unmodelled };
  } catch (e) {
    // what only the whole can tell (a lane group with its lanes): leave the lane resources out
    const lanes = manifests.filter(m => m.obj?.apiVersion === 'istio.alibabacloud.com/v1');
    unmodelled.length = 0;
    lanes.forEach(m => leaveOut(m, (e as Error).message));
    return { mesh: readMesh(manifests.filter(m => !lanes.includes(m)), { ...options, allowEmpty: true, leaveOut }), unmodelled };
  }
}
