/**
 * Small manifests for the analyzer's tests: a Service `web` in namespace `shop`, its Deployments, a
 * DestinationRule with a subset per version, and VirtualServices whose destinations set the routing header.
 */
import { stringify } from './helpers';
import { analyze, AnalyzeOptions } from '../src/private/analysis/analyze';
import { Finding } from '../src/private/analysis/findings';
import { parseYaml } from '../src/private/simulate/read/manifests';

/** What the analyzer finds in these objects, read as one YAML file `f` (document N is the Nth object). */
export function analyzeObjects(objects: readonly object[], options: AnalyzeOptions = {}): Finding[] {
  return analyze(parseYaml([{ name: 'f', text: objects.map(o => stringify(o)).join('---\n') }]), options);
}

export const HOST = 'web.shop.svc.cluster.local';
export const vs = (http: object[], extra: object = {}, name = 'web') => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace: 'shop' }, spec: { hosts: [HOST], http, ...extra } });
export const dr = (subsets: string[]) => ({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'web', namespace: 'shop' }, spec: { host: HOST, subsets: subsets.map(s => ({ name: s, labels: { version: s } })) } });
export const service = (ports = 1) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: Array.from({ length: ports }, (_, i) => ({ port: 80 + i })) } });
export const deployment = (version: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `web-${version}`, namespace: 'shop' }, spec: { template: { metadata: { labels: { app: 'web', version } } } } });
export const to = (subset: string, extra: object = {}) => ({ destination: { host: HOST, subset, ...extra }, headers: { request: { set: { 'x-lane': subset } } } });
