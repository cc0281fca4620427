/**
 * `cdk8s-lanes simulate`: where a request goes (one VirtualService, or a call chain), exact probabilities and
 * seeded samples.
 */
import { LaneSimulator } from '../../lane-simulator';
import { DEFAULT_ROUTING_HEADER } from '../../private/model/types';
import { workloadNames } from '../../private/simulate/explain';
import { brief, list } from '../../private/validation/values';
import { ChainPathResult, Hop, SimulatedRequest } from '../../simulation';
import { Options, UsageError } from '../args';
import { paint, pct, RED, table } from '../output';

/** Small seeded PRNG (mulberry32): the same seed gives the same samples. */
/* eslint-disable no-bitwise */
// Stryker disable all: other mixing constants or operators make another generator; what is promised (the same
// seed gives the same samples, the samples follow the shares) is tested on the samples
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
// Stryker restore all
/* eslint-enable no-bitwise */

/** Draws `n` samples from a distribution over labels. */
function sample(dist: Array<[string, number]>, n: number, seed: number, progress: (done: number) => void): Map<string, number> {
  const counts = new Map<string, number>(dist.map(([k]) => [k, 0]));
  const rnd = random(seed);
  const step = Math.max(1, Math.floor(n / 10));
  for (let i = 0; i < n; i++) {
    let r = rnd();
    let pick = dist[dist.length - 1][0];
    for (const [k, p] of dist) {
      // Stryker disable next-line EqualityOperator: r equals a share's edge with probability zero
      if (r < p) { pick = k; break; }
      r -= p;
    }
    counts.set(pick, counts.get(pick)! + 1);
    if (n >= 1_000_000 && (i + 1) % step === 0) progress(i + 1);
  }
  return counts;
}

/**
 * A path's trace with the lane (the subset) that served each hop after its service: `mocka/s2(version: v2) -> ...`.
 * The trace has one part per hop, each starting with the service's name.
 */
export function withLanes(p: ChainPathResult): string {
  return p.trace.split(' -> ').map((part, i) => {
    const hop = p.hops[i];
    const name = hop.host.split('.')[0];
    // a hop served by a subset (a 503, a redirect or an unknown answer has none: it stays as the trace writes it)
    const subset = hop.backend?.subset;
    if (subset === undefined) return `${name}${servedBy(part.slice(name.length), hop)}`;
    // the subset is said after the name now: a hop without labels keeps only what else its parentheses held
    const rest = part.slice(name.length).replace(`(subset ${subset}, `, '(').replace(`(subset ${subset})`, '');
    return `${name}/${subset}${servedBy(rest, hop)}`;
  }).join(' -> ');
}

/** The workloads that serve a hop, as `Deployment mocka-s2` (the namespace is the service's), or "no workload". */
function workloadText(hop: Hop): string {
  return workloadNames(hop.workloads).join(', ');
}

/** A hop's parentheses with the workloads that serve it added, when the input holds them. */
function servedBy(rest: string, hop: Hop): string {
  if (hop.workloads === undefined) return rest;
  return rest.endsWith(')') ? `${rest.slice(0, -1)}; ${workloadText(hop)})` : `${rest}(${workloadText(hop)})`;
}

export function simulate(sim: LaneSimulator, given: Options, out: (s: string) => void, err: (s: string) => void): void {
  let o = given;
  const request: SimulatedRequest = { multiValueHeaders: o.headers, path: o.path, method: o.method, port: o.port, scheme: o.scheme };
  // flags that name what the files hold must name something they hold
  for (const d of o.down) {
    // listed only for --down (a walk of every table)
    const subsets = sim.subsets;
    if (!subsets.includes(d.slice(d.lastIndexOf('/') + 1))) throw new UsageError(`--down ${brief(d)}: no such subset in the files read (subsets: ${list(subsets)})`);
  }
  const headers = sim.routingHeaders;
  if (o.routingHeaderGiven && !headers.includes(o.routingHeader)) {
    throw new UsageError(`--routing-header ${brief(o.routingHeader)}: no route in the files read sets it (headers the routes set: ${list(headers)})`);
  }
  // the routing header: as given, else the one the routes set (the default when they set several or none)
  if (!o.routingHeaderGiven && headers.length > 1 && !headers.includes(DEFAULT_ROUTING_HEADER)) {
    throw new UsageError(`the routes set several headers (${list(headers)}); choose the routing header with --routing-header`);
  }
  const routingHeader = o.routingHeaderGiven ? o.routingHeader : headers.length === 1 ? headers[0] : DEFAULT_ROUTING_HEADER;
  // a lane carried in baggage: the routes set no routing header, and add the entries of one key
  const keys = sim.baggageKeys;
  const baggageKey = !o.routingHeaderGiven && headers.length === 0 && keys.length === 1 ? keys[0] : undefined;
  o = { ...o, routingHeader: baggageKey !== undefined ? 'baggage' : routingHeader };
  const options = {
    unhealthyLanes: o.down,
    ...(baggageKey !== undefined ? { baggageKey } : { routingHeader }),
    gateway: o.gateway,
    host: o.host,
    sourceNamespace: o.sourceNamespace,
    complete: o.complete,
  };
  const progress = (done: number) => err(`sampled ${done}/${o.n} requests`);
  const requestLine = `${o.method ?? 'GET'} ${o.path ?? '/'}${Object.entries(o.headers).flatMap(([k, vs]) => vs.map(v => ` ${k}: ${v}`)).join('')}`;

  if (o.chain) {
    const paths = sim.simulateChain(o.chain, request, options);
    const counts = sample(paths.map(p => [p.trace, p.probability]), o.n, o.seed, progress);
    if (o.json) {
      out(JSON.stringify({ request: { ...request, method: o.method ?? 'GET', path: o.path ?? '/' }, chain: o.chain, paths: paths.map(p => ({ ...p, sampled: counts.get(p.trace) })), n: o.n, seed: o.seed }, null, 2));
      return;
    }
    out(`request: ${requestLine}`);
    out(`chain:   ${o.chain.join(' -> ')}${o.down.length ? ` (no healthy endpoints: ${o.down.join(', ')})` : ''}`);
    out('');
    out(table([['trace', 'probability', `sampled (n=${o.n}, seed ${o.seed})`], ...paths.map(p => [paint(withLanes(p), p.hops.some(h => h.failed) ? RED : ''), pct(p.probability), String(counts.get(p.trace))])]));
    // every 503, 404 and fallback with its reason
    const explained = new Set<string>();
    for (const p of paths) {
      for (const h of p.hops.filter(x => x.failed || x.viaFallback)) {
        const line = `${h.host.split('.')[0]}: ${h.reason}`;
        if (!explained.has(line)) out(`${explained.size === 0 ? '\n' : ''}${line}`);
        explained.add(line);
      }
    }
    // what the answers rest on, once each
    const notes = [...new Set(paths.flatMap(p => p.hops.flatMap(h => h.notes ?? [])))];
    if (notes.length) out('');
    for (const n of notes) out(`note: ${n}`);
    return;
  }

  const result = sim.simulate(request, options);
  // one row per serving subset (or any endpoint, or 503), in outcome order
  const UNAVAILABLE = '503 (no healthy endpoints)';
  const served = (x: Hop) => {
    if (x.location !== undefined) return `${x.status} redirect to ${x.location}`;
    if (x.status === 500) return '500 (the backend cannot be used)';
    if (x.failed) return UNAVAILABLE;
    if (x.status === undefined) return `unknown (${x.host})`;
    // Stryker disable next-line OptionalChaining: an outcome served (not failed, not a redirect or 500) always has its backend
    return x.backend?.subset ?? '(any endpoint)';
  };
  const shares = new Map<string, number>();
  for (const x of result.outcomes) shares.set(served(x), (shares.get(served(x)) ?? 0) + x.probability);
  const dist: Array<[string, number]> = [...shares];
  const counts = dist.length > 0 ? sample(dist, o.n, o.seed, progress) : new Map<string, number>();
  if (o.json) {
    out(JSON.stringify({ request: { ...request, method: o.method ?? 'GET', path: o.path ?? '/' }, ...result, sampled: Object.fromEntries(counts), n: o.n, seed: o.seed }, null, 2));
    return;
  }
  out(`request: ${requestLine}`);
  out(`entry:   ${result.virtualService ?? `(no route table: the Service ${result.outcomes[0].host} itself)`}`);
  // what the answer rests on, whatever it is
  const notes = () => result.notes.forEach(n => out(`note: ${n}`));
  if (!result.matched) {
    out('rule:    none matched (Istio answers 404)');
    notes();
    return;
  }
  out(`rule:    ${result.rule ?? (result.virtualService === undefined ? '(none: no route table routes the host)' : '(unnamed)')}`);
  out('');
  // the workloads column when the files hold the workloads and Services that tell them
  const withWorkloads = result.outcomes.some(x => x.workloads !== undefined);
  const rows = [['subset', 'probability', `sampled (n=${o.n}, seed ${o.seed})`, `lane marker ${o.routingHeader}`, ...(withWorkloads ? ['workloads'] : [])]];
  for (const [key, p] of dist) {
    const these = result.outcomes.filter(x => served(x) === key);
    const markers = [...new Set(these.map(x => x.marker.value ?? '(unset)'))];
    // the outcomes of one subset have the same backend, and so the same workloads
    rows.push([paint(key, key === UNAVAILABLE ? RED : ''), pct(p), String(counts.get(key)), markers.join(', '), ...(withWorkloads ? [workloadText(these[0])] : [])]);
  }
  out(table(rows));
  for (const x of result.outcomes.filter(y => y.viaFallback || y.failed)) out(`\n${pct(x.probability)}: ${x.reason}`);
  if (result.notes.length) out('');
  notes();
}

