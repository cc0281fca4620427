/**
 * The objects Istio's analyzers read, as they read them: by kind, namespace and name, each field read the way a
 * protobuf getter reads it (absent, null or of another type: its empty value). What a field of the wrong type
 * means is the validation analyzer's to report (IST0106); the other analyzers read past it, as Istio's do.
 */
import { locationOf, Manifest } from '../../simulate/read/manifests';

type Json = { readonly [k: string]: any };

function isMap(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** One object of the input. */
export class Resource {
  readonly kind: string;
  /** the API group: '' for the core group */
  readonly group: string;
  readonly name: string;
  /** the namespace it is in: as written, else the analysis' default namespace */
  readonly namespace: string;
  readonly labels: { readonly [k: string]: string };
  readonly annotations: { readonly [k: string]: string };
  readonly spec: Json;
  /** how Istio names it in a finding: `Kind namespace/name`, `Kind name` without a namespace */
  readonly object: string;

  constructor(readonly manifest: Manifest, defaultNamespace: string) {
    const o = isMap(manifest.obj) ? manifest.obj : {};
    const md = this.map(o.metadata);
    this.kind = this.str(o.kind);
    const apiVersion = this.str(o.apiVersion);
    this.group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    this.name = this.str(md.name);
    this.namespace = typeof md.namespace === 'string' && md.namespace !== '' ? md.namespace : defaultNamespace;
    this.labels = this.labelMap(md.labels);
    this.annotations = this.labelMap(md.annotations);
    this.spec = this.map(o.spec);
    this.object = `${this.kind} ${this.namespace ? `${this.namespace}/` : ''}${this.name}`;
  }

  /** where findings point: the file and document, or the construct */
  get location(): string {
    return locationOf(this.manifest);
  }

  is(group: string, kind: string): boolean {
    return this.group === group && this.kind === kind;
  }

  str(x: unknown): string {
    return typeof x === 'string' ? x : '';
  }

  map(x: unknown): Json {
    return isMap(x) ? x : {};
  }

  list(x: unknown): readonly any[] {
    return Array.isArray(x) ? x : [];
  }

  /** a list's strings */
  strings(x: unknown): string[] {
    return this.list(x).filter((s): s is string => typeof s === 'string');
  }

  /** a map's string values */
  labelMap(x: unknown): { [k: string]: string } {
    return Object.fromEntries(Object.entries(this.map(x)).filter(([, v]) => typeof v === 'string'));
  }
}

/**
 * The objects of the input, each as a Resource, in the input's order. Of two objects with one kind, namespace and
 * name, the later one is kept, as applying both (or istioctl's store) keeps it; LANE001 reports the pair.
 */
export function resourcesOf(manifests: readonly Manifest[], defaultNamespace: string): Resource[] {
  const byName = new Map<string, Resource>();
  manifests.forEach((m, i) => {
    if (!isMap(m.obj)) return;
    const r = new Resource(m, defaultNamespace);
    // an object without a name is no object of a cluster, but is kept for what it says (keyed by its place)
    byName.set(r.name === '' ? `#${i}` : `${r.group}/${r.kind}/${r.namespace}/${r.name}`, r);
  });
  return [...byName.values()];
}

/**
 * What `istioctl analyze` adds to files when it has no cluster: the default ingress gateway's Service and a Pod of
 * it, in istio-system.
 */
export const ISTIOCTL_DEFAULTS: readonly Manifest[] = [
  {
    origin: '(istioctl defaults)',
    index: 1,
    obj: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'istio-ingressgateway-dummypod', namespace: 'istio-system', labels: { istio: 'ingressgateway' } },
      spec: { containers: [{ name: 'istio-proxy' }] },
    },
  },
  {
    origin: '(istioctl defaults)',
    index: 2,
    obj: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' },
      spec: {
        ports: [
          { name: 'http2', port: 80, protocol: 'TCP', targetPort: 80 },
          { name: 'https', port: 443, protocol: 'TCP', targetPort: 443 },
          { name: 'tcp', port: 31400, protocol: 'TCP', targetPort: 31400 },
          { name: 'tls', port: 15443, protocol: 'TCP', targetPort: 15443 },
        ],
        selector: { istio: 'ingressgateway' },
      },
    },
  },
];
