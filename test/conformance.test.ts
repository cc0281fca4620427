/**
 * The Gateway API v1.4.0 conformance suite's HTTPRoute and mesh tests, as request → outcome tables
 * (fixtures/gateway-api-conformance/cases, transcribed from the suite's Go tests; its manifests verbatim beside
 * them): each case is simulated on the suite's own manifests, read as a complete input, and held to what the suite
 * checks of a real implementation (see cases/README.md): the status, the backend, the request the backend
 * receives, the response headers, the redirect's Location, the mirrors and the weights.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { Hop, LaneSimulator, SimulationResult } from '../src';

const DIR = path.join(__dirname, 'fixtures', 'gateway-api-conformance');

interface Case {
  readonly request: { host?: string; path?: string; method?: string; headers?: { [k: string]: string } };
  readonly response?: { statusCode?: number; statusCodes?: number[]; headers?: { [k: string]: string }; absentHeaders?: string[] };
  readonly expectedRequest?: { host?: string; path?: string; headers?: { [k: string]: string }; absentHeaders?: string[] };
  readonly backendSetResponseHeaders?: { [k: string]: string };
  readonly redirectRequest?: { scheme?: string; host?: string; port?: string; path?: string };
  readonly mirroredTo?: Array<{ name: string; namespace: string; percent?: number }>;
  readonly backend?: string;
  readonly namespace?: string;
  readonly gateway?: string;
  readonly port?: number;
  readonly tls?: object;
  readonly client?: { namespace: string };
  readonly runtime?: string;
  readonly setup?: { delete: { kind: string; namespace: string; name: string } };
  readonly testCaseName?: string;
}

interface Test {
  readonly shortName: string;
  readonly standard: boolean;
  readonly manifests: string[];
  readonly base: string;
  readonly gateway: { namespace: string; name: string; port: number; protocol: string } | null;
  readonly gateways?: Array<{ namespace: string; name: string; port: number; protocol: string }>;
  readonly mesh: boolean;
  readonly client?: { namespace: string } | null;
  readonly cases: Case[];
  readonly distribution?: { weights?: { [backend: string]: number }; request?: Case['request'] };
  readonly conditions: Array<{ route?: string; type: string; status: string; reason?: string }>;
}

const TESTS: Test[] = fs.readdirSync(path.join(DIR, 'cases')).filter(f => f.endsWith('.json')).sort()
  .map(f => JSON.parse(fs.readFileSync(path.join(DIR, 'cases', f), 'utf-8')));

/** Cases no offline simulator can answer as the suite asks, each with the reason; the simulator must refuse them. */
const BEYOND: { [test: string]: { [caseIndex: number]: string } } = {
  MeshFrontend: { 1: 'the request goes to a pod\'s IP address, which only the running cluster knows (it bypasses the Service, so no route applies)' },
};

function filesOf(t: Test): Array<{ name: string; yaml: string }> {
  return [t.base, ...t.manifests].map(f => ({ name: f, yaml: fs.readFileSync(path.join(DIR, f), 'utf-8') }));
}

/** The simulator of a test's manifests, with one object deleted (a step of the test) if `without` names it. */
function simulatorOf(t: Test, without?: { kind: string; namespace: string; name: string }): LaneSimulator {
  if (!without) return LaneSimulator.fromYamlSources(filesOf(t));
  const kept = filesOf(t).flatMap(f => yaml.loadAll(f.yaml) as any[])
    .filter(o => o && !(o.kind === without.kind && o.metadata?.namespace === without.namespace && o.metadata?.name === without.name));
  return LaneSimulator.fromYaml(kept.map(o => yaml.dump(o)).join('---\n'), `${t.shortName} without ${without.kind} ${without.namespace}/${without.name}`);
}

/**
 * The names of the Deployments whose pods a Service selects (the suite names the pod that answers, the simulator
 * the Service): read here from the manifests, independently of the simulator.
 */
function podsOf(t: Test, service: string, namespace: string): string[] {
  const objects = filesOf(t).flatMap(f => yaml.loadAll(f.yaml) as any[]).filter(o => o?.metadata);
  const svc = objects.find(o => o.kind === 'Service' && o.metadata.name === service && o.metadata.namespace === namespace);
  const selector: { [k: string]: string } | undefined = svc?.spec?.selector;
  if (!selector) return [service];
  return objects.filter(o => o.kind === 'Deployment' && o.metadata.namespace === namespace
    && Object.entries(selector).every(([k, v]) => o.spec?.template?.metadata?.labels?.[k] === v)).map(o => o.metadata.name);
}

/** The request and options a case sends, as the suite sends it (cases/README.md). */
function sent(t: Test, c: Case): { request: any; options: any } {
  const headers: { [k: string]: string } = { ...c.request.headers };
  if (t.mesh) {
    const client = (c.client ?? t.client)!.namespace;
    const [name, port] = c.request.host!.split(':');
    const labels = name.split('.');
    const host = `${labels[0]}.${labels[1] ?? client}.svc.cluster.local`;
    if (!Object.keys(headers).some(h => h.toLowerCase() === 'host')) headers.host = c.request.host!;
    return {
      request: { path: c.request.path || '/', method: c.request.method, headers, ...(port ? { port: Number(port) } : {}) },
      options: { host, sourceNamespace: client, complete: true },
    };
  }
  const gateway = c.gateway ?? `${t.gateway!.namespace}/${t.gateway!.name}`;
  const listener = t.gateway ?? t.gateways!.find(g => `${g.namespace}/${g.name}` === gateway)!;
  const port = c.port ?? listener.port;
  const scheme = c.tls || listener.protocol === 'HTTPS' ? 'https' : 'http';
  const defaultPort = scheme === 'https' ? 443 : 80;
  headers.host = c.request.host || `192.0.2.1${port === defaultPort ? '' : `:${port}`}`;
  headers['X-Echo-Set-Header'] = Object.entries(c.backendSetResponseHeaders ?? {}).map(([k, v]) => `${k}:${v}`).join(',');
  return {
    request: { path: c.request.path || '/', method: c.request.method, headers, port, scheme },
    options: { gateway, complete: true },
  };
}

const lower = (h: { [k: string]: string } | undefined) => Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k.toLowerCase(), v]));

/** The response headers the client sees: the backend's, then the proxy's edits. */
function responseHeaders(hop: Hop, backendSet: { [k: string]: string } | undefined): { [k: string]: string } {
  const out = lower(backendSet);
  const edits = hop.responseHeaders;
  if (edits) {
    Object.assign(out, lower(edits.set));
    for (const [k, v] of Object.entries(lower(edits.add))) out[k] = out[k] !== undefined ? `${out[k]},${v}` : v;
    for (const k of edits.remove) delete out[k.toLowerCase()];
  }
  return out;
}

/** What differs between one outcome and what the suite expects of it; [] when nothing. */
function mismatches(t: Test, c: Case, req: any, hop: Hop | undefined, status: number | undefined): string[] {
  const out: string[] = [];
  const statuses = c.response?.statusCodes ?? [c.response?.statusCode ?? 200];
  if (status === undefined || !statuses.includes(status)) return [`status ${status}, expected ${statuses.join(' or ')}`];
  if (status === 200 && hop) {
    const [service, namespace] = hop.backend!.host.split('.');
    const pods = podsOf(t, service, namespace);
    if (!pods.some(p => p.startsWith(c.backend ?? ''))) out.push(`backend ${service} (pods of ${pods.join(', ')}), expected ${c.backend}`);
    if (!t.mesh && namespace !== (c.namespace ?? '')) out.push(`namespace ${namespace}, expected ${c.namespace ?? '""'}`);
    const expected = c.expectedRequest ?? (t.mesh ? undefined : { host: c.request.host, path: c.request.path, headers: c.request.headers });
    if (expected) {
      const got = hop.request!;
      if (!t.mesh && expected.path !== undefined && got.path !== expected.path) out.push(`path ${got.path}, expected ${expected.path}`);
      if (!t.mesh && expected.host && got.authority !== expected.host) out.push(`host ${got.authority}, expected ${expected.host}`);
      for (const [k, v] of Object.entries(lower(expected.headers))) {
        if (k !== 'host' && got.headers[k] !== v) out.push(`request header ${k}: ${JSON.stringify(got.headers[k])}, expected ${JSON.stringify(v)}`);
      }
      for (const k of expected.absentHeaders ?? []) if (got.headers[k.toLowerCase()] !== undefined) out.push(`request header ${k} present`);
    }
    const response = responseHeaders(hop, c.backendSetResponseHeaders);
    for (const [k, v] of Object.entries(lower(c.response?.headers))) if (response[k] !== v) out.push(`response header ${k}: ${JSON.stringify(response[k])}, expected ${JSON.stringify(v)}`);
    for (const k of c.response?.absentHeaders ?? []) if (response[k.toLowerCase()] !== undefined) out.push(`response header ${k} present`);
    for (const m of c.mirroredTo ?? []) {
      if (!(hop.mirroredTo ?? []).some(x => x.backend.host.startsWith(`${m.name}.${m.namespace}.`) && (m.percent === undefined || x.percent === m.percent))) out.push(`not mirrored to ${m.namespace}/${m.name}`);
    }
  }
  if (status >= 300 && status < 400 && c.redirectRequest && !t.mesh) {
    const r = c.redirectRequest;
    const location = new URL(hop!.location!);
    const scheme = location.protocol.slice(0, -1);
    if (scheme !== (r.scheme ?? req.scheme)) out.push(`redirect scheme ${scheme}, expected ${r.scheme ?? req.scheme}`);
    if (r.host !== undefined && location.hostname !== r.host) out.push(`redirect host ${location.hostname}, expected ${r.host}`);
    const path0 = (r.path ?? req.path.split('?')[0]);
    if (location.pathname !== path0) out.push(`redirect path ${location.pathname}, expected ${path0}`);
    const port = location.port;
    // as the suite compares: an expected port exactly; none expected: the scheme's or none
    const ok = r.port !== undefined ? port === r.port : port === '' || port === (scheme === 'https' ? '443' : '80');
    if (!ok) out.push(`redirect port ${JSON.stringify(port)}, expected ${JSON.stringify(r.port ?? 'the scheme\'s')}`);
  }
  return out;
}

/** Every outcome of a simulated case against the suite's expectation. */
function check(t: Test, c: Case, r: SimulationResult, req: any): string[] {
  if (!r.matched) return mismatches(t, c, req, undefined, 404);
  return r.outcomes.flatMap(hop => mismatches(t, c, req, hop, hop.status));
}

const standard = TESTS.filter(t => t.standard);

describe('the Gateway API v1.4.0 conformance suite: HTTPRoute and mesh tests of the standard channel', () => {
  test('the tables hold every HTTPRoute and mesh test of v1.4.0, and the experimental ones are named', () => {
    expect(TESTS.length).toBe(66);
    expect(TESTS.filter(t => !t.standard).map(t => t.shortName)).toEqual([
      'HTTPRouteCORSAllowCredentialsBehavior', 'HTTPRouteDisallowedKind', 'HTTPRouteInvalidParentRefNotMatchingListenerPort',
    ]);
  });

  test.each(standard.filter(t => t.cases.length > 0).map(t => [t.shortName, t] as const))('%s', (_name, t) => {
    const sim = simulatorOf(t);
    const failures: string[] = [];
    t.cases.forEach((c, i) => {
      const { request, options } = sent(t, c);
      const name = `case ${i + 1}${c.testCaseName ? ` (${c.testCaseName})` : ''} ${request.headers.host ?? ''}${request.path}`;
      const beyond = BEYOND[t.shortName]?.[i];
      let r: SimulationResult;
      try {
        // a step of the test deletes an object before the case: simulated without it
        r = (c.setup ? simulatorOf(t, c.setup.delete) : sim).simulate(request, options);
      } catch (e) {
        if (!beyond) failures.push(`${name}: ${(e as Error).message}`);
        return;
      }
      if (beyond) {
        failures.push(`${name}: answered, though ${beyond}`);
        return;
      }
      if (c.runtime !== undefined) {
        // the note names what the run time decides
        const what = /timeout/i.test(c.runtime) ? 'timeouts' : /h2c|websocket/i.test(c.runtime) ? 'appProtocol' : /EndpointSlice/.test(c.runtime) ? 'no selector' : c.runtime;
        if (!r.notes.some(n => n.includes('run time') && n.includes(what))) failures.push(`${name}: decided at run time (${c.runtime}), yet no note of the result says so`);
        return;
      }
      const wrong = check(t, c, r, request);
      if (wrong.length) failures.push(`${name}: ${wrong.join('; ')}`);
    });
    expect(failures).toEqual([]);
  });

  const refusals = standard.flatMap(t => t.conditions.filter(c => c.route && c.type === 'Accepted' && c.status === 'False').map(c => [t.shortName, c.route!, c.reason!, t] as const));
  test.each(refusals)('%s: HTTPRoute %s is not attached (%s), and a note says why', (_name, route, reason, t) => {
    expect(refusals.length).toBeGreaterThanOrEqual(3);
    const sim = simulatorOf(t);
    const notes = sim.notes.filter(n => n.includes(`HTTPRoute ${route} `));
    expect(notes.some(n => n.endsWith(`(${reason})`))).toBe(true);
    // and attached nowhere: no table holds its rules (named `<route>-rule-N`)
    expect(sim.explain()).not.toContain(`${route.split('/')[1]}-rule-`);
  });

  test.each(standard.filter(t => t.distribution?.weights).map(t => [t.shortName, t] as const))('%s: the weights', (_name, t) => {
    const c: Case = { request: t.distribution!.request!, ...(t.mesh ? { client: t.client! } : {}) };
    const { request, options } = sent(t, c);
    const r = simulatorOf(t).simulate(request, options);
    const shares: { [backend: string]: number } = {};
    for (const o of r.outcomes) shares[o.backend!.host.split('.')[0]] = (shares[o.backend!.host.split('.')[0]] ?? 0) + o.probability;
    const expected = Object.fromEntries(Object.entries(t.distribution!.weights!).filter(([, w]) => w > 0));
    expect(shares).toEqual(expected);
  });
});
