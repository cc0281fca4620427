/**
 * The offline analyzer behind `cdk8s-lanes check`: lane routing in any manifests (synthesized, Helm or
 * kustomize output, hand-written) checked before apply, with Istio's analyzer codes where Istio has one
 * (https://istio.io/latest/docs/reference/config/analysis/) and the project's own `LANE` codes otherwise.
 */
import { qualifyHost } from '../model/group';
import { matchKey } from '../model/routes';
import { DEFAULT_CLUSTER_DOMAIN } from '../model/types';
import { Mesh, RouteTable } from '../simulate/mesh';
import { locationOf, Manifest, readMeshLeniently, Unmodelled } from '../simulate/reader';

const ASM_ADVICE = 'Use the lane group for this service (LaneGroup.addCustomRoute, routeOptions: a root VirtualService delegating to ASM\'s), or leave the service out of the group';

export type Level = 'Error' | 'Warning' | 'Info';
export const LEVELS: readonly Level[] = ['Error', 'Warning', 'Info'];

export interface Finding {
  readonly code: string;
  readonly level: Level;
  /** e.g. `out.yaml (document 2): VirtualService default/web` */
  readonly resource: string;
  readonly message: string;
}

interface Service {
  readonly host: string;
  readonly namespace: string;
  readonly selector: { readonly [k: string]: string };
  readonly ports: number;
}

const WORKLOADS = ['Deployment', 'StatefulSet', 'Rollout'];

function labelsMatch(selector: { readonly [k: string]: string }, labels: { readonly [k: string]: string }): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function where(t: RouteTable): string {
  return t.location ?? t.source;
}

/** A finding in one line, as `check` prints it and synth reports it: `[CODE] (resource) message`. */
export function describeFinding(f: Finding): string {
  return `[${f.code}] (${f.resource}) ${f.message}`;
}

/** Every finding for a set of manifests, in a stable order (errors first). */
export function analyze(manifests: readonly Manifest[], options: { clusterDomain?: string; asmGeneratedNamespace?: string } = {}): Finding[] {
  const domain = options.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
  const findings: Finding[] = [];
  const add = (code: string, level: Level, resource: string, message: string) => findings.push({ code, level, resource, message });

  // objects the analysis cannot model are Info, and the analysis goes on
  const { mesh, unmodelled } = readMeshLeniently(manifests, options);
  for (const u of unmodelled) add('LANE004', 'Info', locationOf(u.manifest), `not analyzed: ${u.message}`);

  // two objects of one kind, namespace and name: the later apply wins
  const seen = new Map<string, Manifest>();
  for (const m of manifests) {
    const md = m.obj?.metadata ?? {};
    if (typeof m.obj?.kind !== 'string' || typeof md.name !== 'string') continue;
    const key = `${m.obj.apiVersion?.split('/')[0]}/${m.obj.kind}/${md.namespace ?? ''}/${md.name}`;
    const first = seen.get(key);
    if (first) {
      add('LANE001', 'Error', locationOf(m), `has the same kind, namespace and name as ${locationOf(first)}; a cluster holds one object per kind, namespace and name (applying both keeps the later one), so give one of them another name`);
    } else {seen.set(key, m);}
  }

  const services = new Map<string, Service>();
  const serviceEntryHosts = new Set<string>();
  const gateways = new Set<string>();
  const templates: Array<{ namespace: string; labels: { readonly [k: string]: string } }> = [];
  for (const m of manifests) {
    const o = m.obj ?? {};
    const ns = typeof o.metadata?.namespace === 'string' ? o.metadata.namespace : 'default';
    if (o.kind === 'Service' && o.apiVersion === 'v1' && typeof o.metadata?.name === 'string') {
      const host = `${o.metadata.name}.${ns}.svc.${domain}`;
      services.set(host, { host, namespace: ns, selector: o.spec?.selector ?? {}, ports: Array.isArray(o.spec?.ports) ? o.spec.ports.length : 0 });
    }
    if (o.kind === 'ServiceEntry' && Array.isArray(o.spec?.hosts)) o.spec.hosts.forEach((h: unknown) => typeof h === 'string' && serviceEntryHosts.add(h));
    if (o.kind === 'Gateway' && typeof o.metadata?.name === 'string' && String(o.apiVersion).startsWith('networking.istio.io/')) gateways.add(`${ns}/${o.metadata.name}`);
    if (WORKLOADS.includes(o.kind) && o.spec?.template?.metadata?.labels) templates.push({ namespace: ns, labels: o.spec.template.metadata.labels });
  }

  analyzeCollisions(mesh, unmodelled, domain, add);
  analyzeTables(mesh, services, serviceEntryHosts, add);

  // IST0173: a subset that selects no pod template (the Service's selector plus the subset's labels)
  if (templates.length > 0) {
    // templates by namespace and label: a selector is tried on the templates of its rarest label only
    const byLabel = new Map<string, Array<{ labels: { readonly [k: string]: string } }>>();
    for (const t of templates) {
      for (const [k, v] of Object.entries(t.labels)) {
        const key = `${t.namespace}|${k}=${v}`;
        const bucket = byLabel.get(key);
        if (bucket) bucket.push(t);
        else byLabel.set(key, [t]);
      }
    }
    for (const [host, bySubset] of mesh.subsets) {
      const svc = services.get(host);
      const namespace = svc?.namespace ?? host.split('.')[1];
      for (const [subset, labels] of bySubset) {
        const selector = { ...svc?.selector, ...labels };
        const pools = Object.entries(selector).map(([k, v]) => byLabel.get(`${namespace}|${k}=${v}`) ?? []);
        const pool = pools.length ? pools.reduce((a, b) => (b.length < a.length ? b : a)) : templates.filter(t => t.namespace === namespace);
        if (!pool.some(t => labelsMatch(selector, t.labels))) {
          add('IST0173', 'Error', `subset ${subset} of ${host}`, `selects no pod template among the Deployments, StatefulSets and Rollouts read (labels ${Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(', ')})`);
        }
      }
    }
  }

  // a gateway VirtualService whose Gateway is not in the input (it usually lives elsewhere)
  for (const t of mesh.tables) {
    for (const g of t.gateways) {
      const ref = g.includes('/') ? g : `${t.namespace ?? 'default'}/${g}`;
      if (!gateways.has(ref)) add('LANE003', 'Info', where(t), `its gateway ${ref} is not among the objects read (it usually lives elsewhere)`);
    }
  }
  return findings.sort((a, b) => LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level));
}

function analyzeTables(
  mesh: Mesh,
  services: ReadonlyMap<string, Service>,
  serviceEntryHosts: ReadonlySet<string>,
  add: (code: string, level: Level, resource: string, message: string) => void,
): void {
  const undefinedHosts = new Set<string>();
  for (const t of mesh.tables) {
    // IST0130 unreachable rule, IST0131 ineffective match
    const earlier = new Set<string>();
    let catchAll = false;
    t.routes.forEach((r, i) => {
      const name = r.name !== undefined ? `rule ${JSON.stringify(r.name)}` : `rule ${i + 1}`;
      const keys = r.matches.map(matchKey);
      if (catchAll || (keys.length > 0 && keys.every(k => earlier.has(k)))) {
        add('IST0130', 'Warning', where(t), `${name} is unreachable: earlier rules take every request it matches`);
      } else {
        keys.forEach((k, j) => { if (earlier.has(k)) add('IST0131', 'Info', where(t), `${name} match ${j + 1} is ineffective: an earlier rule takes the requests it matches`); });
      }
      keys.forEach(k => earlier.add(k));
      if (r.matches.length === 0) catchAll = true;
    });
    // the routing header most destinations of the table set: a lane destination without it leaves its lane
    const setters = new Map<string, number>();
    const lanes = t.routes.flatMap(r => r.destinations).filter(d => d.subset !== undefined);
    for (const d of lanes) Object.keys(d.setHeaders).forEach(h => setters.set(h, (setters.get(h) ?? 0) + 1));
    const header = [...setters].sort((a, b) => b[1] - a[1])[0]?.[0];
    for (const r of t.routes) {
      for (const d of r.destinations) {
        const what = `destination ${d.host}${d.subset !== undefined ? `/${d.subset}` : ''}`;
        // IST0101: a subset no DestinationRule defines; a host with no Service (when Services are read)
        for (const target of [d, ...(d.fallback ? [d.fallback] : [])]) {
          if (target.subset === undefined) continue;
          const defined = mesh.subsets.get(target.host);
          if (defined && !defined.has(target.subset)) {
            add('IST0101', 'Error', where(t), `${what}: no DestinationRule read defines subset ${target.subset} of ${target.host}`);
          } else if (!defined && !undefinedHosts.has(target.host)) {
            undefinedHosts.add(target.host);
            add('LANE005', 'Info', where(t), `no DestinationRule read is for host ${target.host}, so its subsets are not checked (they are defined elsewhere, e.g. by ASM)`);
          }
        }
        if (services.size > 0 && !services.has(d.host) && !serviceEntryHosts.has(d.host)) {
          add('IST0101', 'Error', where(t), `${what}: no Service (or ServiceEntry) read is host ${d.host}`);
        }
        // IST0112: no port on a destination whose Service has several
        const svc = services.get(d.host);
        if (svc && svc.ports > 1 && d.port === undefined) add('IST0112', 'Error', where(t), `${what}: the Service has ${svc.ports} ports; name one with port.number`);
        if (header !== undefined && d.subset !== undefined && !(header in d.setHeaders)) {
          add('LANE002', 'Warning', where(t), `${what} does not set the routing header ${header} that the table's other lane destinations set, so the rest of the trace leaves the lane`);
        }
      }
    }
  }
}

/** Objects that Istio merges or of which it applies one: VirtualServices and DestinationRules for one host. */
function analyzeCollisions(
  mesh: Mesh,
  unmodelled: readonly Unmodelled[],
  domain: string,
  add: (code: string, level: Level, resource: string, message: string) => void,
): void {
  // IST0109: two mesh VirtualServices for one host (one the reader left out still claims its hosts)
  const claims = mesh.tables.filter(t => t.mesh)
    .flatMap(t => [...new Set(t.hosts)].map(host => ({ host, location: where(t), generatedBy: t.generatedBy })));
  for (const u of unmodelled) {
    const o = u.manifest.obj;
    if (o?.kind !== 'VirtualService' || !String(o.apiVersion).startsWith('networking.istio.io/')) continue;
    const gateways: unknown[] = Array.isArray(o.spec?.gateways) ? o.spec.gateways : [];
    if (gateways.length > 0 && !gateways.includes('mesh')) continue;
    const namespace = typeof o.metadata?.namespace === 'string' ? o.metadata.namespace : undefined;
    const hosts: unknown[] = Array.isArray(o.spec?.hosts) ? o.spec.hosts : [];
    for (const h of new Set(hosts)) {
      if (typeof h === 'string') claims.push({ host: qualifyHost(h, namespace, domain), location: locationOf(u.manifest), generatedBy: undefined });
    }
  }
  const byHost = new Map<string, typeof claims[number]>();
  for (const c of claims) {
    const first = byHost.get(c.host);
    if (!first) {
      byHost.set(c.host, c);
      continue;
    }
    const generated = [c, first].find(x => x.generatedBy !== undefined);
    const mine = generated === c ? first : c;
    add('IST0109', 'Error', mine.location, generated
      ? `is a sidecar VirtualService for host ${c.host}, for which ASM generates one from lane group ${generated.generatedBy}; Istio would merge or drop one of them. ${ASM_ADVICE}`
      : `is also a sidecar VirtualService for host ${c.host}, like ${first.location}; Istio applies only one VirtualService per host on the sidecars, so route this host from one place`);
  }
  // two DestinationRules for one host: Istio merges them (the first one's traffic policy, duplicate subsets
  // dropped) in one namespace, and a client's namespace shadows the service's
  for (const [host, rules] of mesh.rules ?? []) {
    if (rules.length < 2) continue;
    const [first, ...others] = rules;
    for (const r of others) {
      const twice = r.subsets.filter(s => rules.some(o => o !== r && o.subsets.includes(s)));
      const generated = [r, first].find(x => x.generatedBy !== undefined);
      const mine = generated === r ? first : r;
      const problem = generated
        ? `is a DestinationRule for host ${host}, for which ASM generates one from lane group ${generated.generatedBy}; Istio would merge or drop one of them. ${ASM_ADVICE}`
        : `is also a DestinationRule for host ${host}, like ${first.location}; Istio merges them, keeps the first one's traffic policy and drops duplicate subsets${twice.length ? ` (here ${twice.join(', ')})` : ''}, so define the host's subsets in one place`;
      add('LANE006', twice.length > 0 || generated ? 'Error' : 'Warning', mine.location, problem);
    }
  }
}
