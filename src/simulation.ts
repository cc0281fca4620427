import { diagram, explain } from './private/describe';
import { modelAsmLaneYaml } from './private/group-render';
import { makeRequest, Mesh, parseMesh, RouteTable } from './private/route-table';
import { ChainPath, decide, Health, simulateChain } from './private/simulate';
import { attachMesh, registerSimulatorFactory } from './private/simulator-internals';

/**
 * A request to simulate.
 */
export interface SimulatedRequest {
  /**
   * Request headers (names are case-insensitive).
   * @default - no headers
   */
  readonly headers?: { [name: string]: string };

  /**
   * Request path, optionally with a query string (`/mock?user=alice`).
   * @default '/'
   */
  readonly path?: string;

  /**
   * HTTP method.
   * @default 'GET'
   */
  readonly method?: string;
}

/**
 * Options of a simulation.
 */
export interface SimulationOptions {
  /**
   * Lanes with no healthy endpoints (`s3`, or `host/s3` for one service only). A destination in such a
   * lane sends its share to its fallback lane (ASM), or fails. A subset that no DestinationRule defines
   * (when the host's DestinationRules were read) has no endpoints either.
   * @default - every lane is healthy
   */
  readonly unhealthyLanes?: string[];

  /**
   * The header whose value the next hop sees is reported in `routingHeaderValue`.
   * @default 'x-asm-prefer-tag'
   */
  readonly routingHeader?: string;
}

/**
 * Where one share of the matched rule's requests goes.
 */
export interface LaneOutcome {
  /** The destination host. */
  readonly host: string;
  /** The lane (subset) the rule sends this share to; undefined when the destination has no subset. */
  readonly lane?: string;
  /** The lane that serves it: `lane`, its fallback lane, or undefined when nothing healthy is left (503). */
  readonly servingLane?: string;
  /** True when the share is served by the fallback lane. */
  readonly viaFallback: boolean;
  /** Share of the matching requests, 0..1. */
  readonly probability: number;
  /** The routing header value the next hop sees (set by the route, else as the client sent it). */
  readonly routingHeaderValue?: string;
}

/**
 * The result of simulating one request.
 */
export interface SimulationResult {
  /** The VirtualService that routed the request. */
  readonly virtualService: string;
  /** The rule (route name) that matched; undefined when none matched. */
  readonly rule?: string;
  /** True when a rule matched (otherwise Istio answers 404). */
  readonly matched: boolean;
  /** One outcome per destination of the matched rule. */
  readonly outcomes: LaneOutcome[];
  /** Probability per serving lane (after fallbacks); lanes with no share are absent. */
  readonly laneProbabilities: { [lane: string]: number };
  /** Probability that the request fails because its lane (and fallback) has no healthy endpoints. */
  readonly unavailableProbability: number;
}

/**
 * One service of a simulated call chain.
 */
export interface ChainHop {
  /** The service host. */
  readonly host: string;
  /** The rule that routed this hop; undefined when no VirtualService routes it. */
  readonly rule?: string;
  /** The lane chosen for this hop; undefined when no VirtualService routes it (any endpoint). */
  readonly lane?: string;
  /** The lane that serves it after fallback. */
  readonly servingLane?: string;
  /** True when the fallback lane serves it. */
  readonly viaFallback: boolean;
  /** True when the request fails at this hop (no rule matched, or no healthy endpoints). */
  readonly failed: boolean;
  /** Pod labels of the serving lane's subset, when a DestinationRule defines it. */
  readonly labels?: { [key: string]: string };
}

/**
 * One way through a call chain, with its probability.
 */
export interface ChainPathResult {
  /** The hops in call order. */
  readonly hops: ChainHop[];
  /** Probability of this path, 0..1. */
  readonly probability: number;
  /** The path in the seed's notation: `mocka(version: v2) -> mockb(version: v1)`. */
  readonly trace: string;
}

/**
 * Options that pick the entry VirtualService.
 */
export interface EntryOptions {
  /**
   * Enter through this gateway (`namespace/name`).
   * @default - the only gateway-bound VirtualService, else the only VirtualService
   */
  readonly gateway?: string;

  /**
   * Enter through the sidecar VirtualService of this host (a call from inside the mesh).
   * @default - see `gateway`
   */
  readonly host?: string;
}

/**
 * YAML text to simulate, with the name messages give it (usually its file name).
 */
export interface YamlSource {
  /** How messages name the source, e.g. its file name. */
  readonly name: string;
  /** Multi-document YAML. */
  readonly yaml: string;
}

/**
 * Simulates requests through VirtualServices (rendered by this library or hand-written YAML) with Istio's
 * semantics: rules in order, first match wins; match blocks OR, conditions inside a block AND; exact,
 * prefix and RE2 regex matches; weights proportional; ASM fallback when a lane has no healthy endpoints.
 * Constructs it does not model (redirects, faults, delegation, ...) are refused with a message.
 */
export class LaneSimulator {
  /**
   * Reads every VirtualService and DestinationRule of multi-document YAML, and ASM lane resources
   * (ASMSwimLaneGroup, ASMSwimLane), whose per-service routing ASM generates and the simulation models
   * (routing header → the lane's subset, or the baseline's for a service the lane does not hold).
   * Other kinds are skipped.
   * @param yaml the manifests
   * @param fileName how messages name the source
   */
  public static fromYaml(yaml: string, fileName: string = 'input'): LaneSimulator {
    return LaneSimulator.fromYamlSources([{ name: fileName, yaml }]);
  }

  /**
   * Reads several YAML sources as one mesh (e.g. the files of a `cdk8s synth` output), like `fromYaml()`.
   * @param sources the sources, each with the name messages give it
   */
  public static fromYamlSources(sources: YamlSource[]): LaneSimulator {
    return new LaneSimulator(parseMesh(sources.map(s => ({ name: s.name, text: s.yaml })), modelAsmLaneYaml));
  }

  private readonly mesh: Mesh;

  private constructor(mesh: Mesh) {
    if (mesh.tables.length === 0) throw new Error('no VirtualService found (apiVersion networking.istio.io/*, kind VirtualService)');
    this.mesh = mesh;
    attachMesh(this, mesh);
  }

  /** The VirtualServices read, as `namespace/name`. */
  public get virtualServices(): string[] {
    return this.mesh.tables.map(t => `${t.namespace ? `${t.namespace}/` : ''}${t.name}`);
  }

  /** Where `request` goes through the entry VirtualService. */
  public simulate(request: SimulatedRequest, options: SimulationOptions = {}, entry: EntryOptions = {}): SimulationResult {
    const table = this.entryTable(entry);
    const req = makeRequest(request);
    const decision = decide(table, req, this.health(options));
    const header = (options.routingHeader ?? 'x-asm-prefer-tag').toLowerCase();
    const outcomes: LaneOutcome[] = decision.outcomes.map(o => ({
      host: o.host,
      lane: o.lane,
      servingLane: o.servingLane,
      viaFallback: o.viaFallback,
      probability: o.probability,
      routingHeaderValue: o.setHeaders[header] ?? req.headers[header],
    }));
    const laneProbabilities: { [lane: string]: number } = {};
    let unavailableProbability = 0;
    for (const o of outcomes) {
      if (o.servingLane === undefined) {
        if (o.lane !== undefined) unavailableProbability += o.probability;
      } else {
        laneProbabilities[o.servingLane] = (laneProbabilities[o.servingLane] ?? 0) + o.probability;
      }
    }
    return {
      virtualService: table.source,
      rule: decision.routeIndex >= 0 ? table.routes[decision.routeIndex].name : undefined,
      matched: decision.routeIndex >= 0,
      outcomes,
      laneProbabilities,
      unavailableProbability,
    };
  }

  /**
   * Follows `request` along a call chain (service hosts in call order; a short name such as `mockb`
   * stands for the one known host it begins): the entry VirtualService routes
   * the first call, and each later call carries the headers the previous hop set and is routed by the
   * callee's sidecar VirtualService, if any.
   */
  public simulateChain(services: string[], request: SimulatedRequest, options: SimulationOptions = {}, entry: EntryOptions = {}): ChainPathResult[] {
    if (services.length === 0) throw new Error('simulateChain needs at least one service');
    services = services.map(s => this.resolveHost(s));
    const table = this.entryTable(entry.gateway || entry.host ? entry : this.defaultEntryFor(services[0]));
    const paths = simulateChain(this.mesh, table, services, makeRequest(request), this.health(options));
    return paths.map(p => this.pathResult(p));
  }

  /** The rule table of every VirtualService, as text. */
  public explain(): string {
    return explain(this.mesh);
  }

  /** A Mermaid flowchart of entry points, rules, weights, lanes and fallbacks. */
  public diagram(): string {
    return diagram(this.mesh);
  }

  private pathResult(p: ChainPath): ChainPathResult {
    const hops: ChainHop[] = p.hops.map(h => {
      const labels = h.servingLane !== undefined ? this.mesh.subsets.get(h.host)?.get(h.servingLane) : undefined;
      const { host, rule, lane, servingLane, viaFallback, failed } = h;
      return { host, rule, lane, servingLane, viaFallback, failed, labels: labels ? { ...labels } : undefined };
    });
    const trace = hops.map(h => {
      const name = h.host.split('.')[0];
      if (h.failed) return `${name}(503)`;
      if (h.lane === undefined) return `${name}(any)`;
      const what = h.labels ? Object.entries(h.labels).map(([k, v]) => `${k}: ${v}`).join(', ') : `lane ${h.servingLane}`;
      return `${name}(${what}${h.viaFallback ? `, fallback from ${h.lane}` : ''})`;
    }).join(' -> ');
    return { hops, probability: p.probability, trace };
  }

  /** A host as given, or a short name (`mockb`) that names exactly one known host. */
  private resolveHost(name: string): string {
    const known = new Set<string>(this.mesh.subsets.keys());
    for (const t of this.mesh.tables) {
      t.hosts.forEach(h => known.add(h));
      t.routes.forEach(r => r.destinations.forEach(d => known.add(d.host)));
    }
    if (known.has(name)) return name;
    const hits = [...known].filter(h => h.split('.')[0] === name);
    if (hits.length === 1) return hits[0];
    throw new Error(hits.length
      ? `service "${name}" is ambiguous: ${hits.join(', ')}`
      : `service "${name}" is not routed by any VirtualService read (known hosts: ${[...known].filter(h => h !== '*').join(', ')})`);
  }

  private health(options: SimulationOptions): Health {
    return { unhealthy: new Set(options.unhealthyLanes ?? []), subsets: this.mesh.subsets };
  }

  private defaultEntryFor(host: string): EntryOptions {
    const gateways = this.mesh.tables.filter(t => t.gateways.length > 0);
    return gateways.length > 0 ? {} : { host };
  }

  private entryTable(entry: EntryOptions): RouteTable {
    const tables = this.mesh.tables;
    let candidates: RouteTable[];
    let what: string;
    if (entry.gateway) {
      candidates = tables.filter(t => t.gateways.includes(entry.gateway!));
      what = `bound to gateway ${entry.gateway}`;
    } else if (entry.host) {
      candidates = tables.filter(t => t.gateways.length === 0 && t.hosts.includes(entry.host!));
      what = `for sidecars of host ${entry.host}`;
    } else {
      const gateways = tables.filter(t => t.gateways.length > 0);
      candidates = gateways.length > 0 ? gateways : [...tables];
      what = gateways.length > 0 ? 'bound to a gateway' : '';
    }
    if (candidates.length === 1) return candidates[0];
    const list = tables.map(t => `${t.source} (${t.gateways.length ? `gateways: ${t.gateways.join(', ')}` : `mesh, hosts: ${t.hosts.join(', ')}`})`).join('; ');
    if (candidates.length === 0) throw new Error(`no VirtualService ${what}; found: ${list}`);
    throw new Error(`${candidates.length} VirtualServices ${what}: choose one with a gateway (namespace/name) or a host; found: ${list}`);
  }
}

// the library's own code builds simulators from meshes it has already read (see private/simulator-internals.ts)
registerSimulatorFactory(mesh => new (LaneSimulator as unknown as new (m: Mesh) => LaneSimulator)(mesh));
