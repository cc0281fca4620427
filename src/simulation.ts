import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { DiagramFormat } from './diagram-format';
import { checkShape, SHAPES } from './private/boundary';
import { list, show } from './private/checks';
import { chainDiagram, LaneSwim } from './private/diagram/chain';
import { Diagram, nodeCount, toMermaid, toSvg } from './private/diagram/graph';
import { routingDiagram } from './private/diagram/routing';
import { BAGGAGE_HEADER, isBaggageKey, parseBaggageEntryPattern } from './private/model/marker';
import { DEFAULT_ROUTING_HEADER } from './private/model/types';
import { explain } from './private/simulate/describe';
import { diffMeshes, witnesses } from './private/simulate/diff';
import { ChainPath, decide, Health, labelsOf, Outcome, reasonOf, simulateChain, Step } from './private/simulate/engine';
import { hostsOf, Mesh, RouteDestination, RouteTable, subsetsOf, tableName } from './private/simulate/mesh';
import { Manifest, parseYaml, readMesh } from './private/simulate/reader';
import { baggageEntry, makeRequest, Request } from './private/simulate/request';

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
   * Headers sent several times (names are case-insensitive), e.g. two `baggage` lines. Envoy matches such a
   * header as its values joined by ",". Added after `headers` when a name is in both.
   * @default - none
   */
  readonly multiValueHeaders?: { [name: string]: string[] };

  /**
   * Request path, optionally with a query string (`/mock?user=alice`). The query string is matched as
   * Envoy does: raw (not percent-decoded), a repeated parameter by its first value.
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
 * Options of a simulation: the same for `LaneRouting.simulate()`, `LaneGroup.simulate()` and
 * `LaneSimulator.simulate()` / `simulateChain()`.
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
   * The header that carries the lane: reported as each hop's lane marker.
   * @default - the routing's routing header (LaneRouting, LaneGroup); 'x-asm-prefer-tag' for a LaneSimulator
   */
  readonly routingHeader?: string;

  /**
   * The lane is carried in the W3C `baggage` header, as the entry with this key (`Propagation.baggage()` on
   * Target.ISTIO): reported as each hop's lane marker (header `baggage`, value the entry's).
   * @default - the lane is carried in the routing header
   */
  readonly baggageKey?: string;

  /**
   * Enter through the VirtualService bound to this gateway (`namespace/name`).
   * @default - see `host`
   */
  readonly gateway?: string;

  /**
   * Enter through the sidecar (mesh) VirtualService of this host: a call from inside the mesh. A short name
   * such as `mockb` stands for the one known host it begins.
   * @default - the only gateway-bound VirtualService; else the only VirtualService (`simulate()`) or the
   * first service's sidecar VirtualService (`simulateChain()`)
   */
  readonly host?: string;
}

/**
 * What serves a request: a host, and the subset of its endpoints.
 */
export interface Backend {
  /** The service host. */
  readonly host: string;
  /** The subset (lane); undefined: any endpoint of the host. */
  readonly subset?: string;
  /** The port, when the route names one. */
  readonly port?: number;
}

/**
 * What tells the next hop which lane a request is in.
 */
export interface LaneMarker {
  /** The header that carries it (`baggage` when the lane is a baggage entry). */
  readonly header: string;
  /** Its value as the next hop sees it (set by the route, else as the caller sent it); undefined: absent. */
  readonly value?: string;
}

/**
 * One step of a request: the VirtualService and rule that routed it, the lane it is in, the backend that
 * served it, the lane marker it carries on, and why.
 */
export interface Hop {
  /** The host the rule sent the request to (the service called). */
  readonly host: string;
  /** The VirtualService that routed it; undefined when none routes the host (any endpoint serves it). */
  readonly virtualService?: string;
  /** The rule (route name) that matched; undefined when none matched or the route has no name. */
  readonly rule?: string;
  /** The lane the request is in: the lane the route marks it with, else the subset the route chose. */
  readonly lane?: string;
  /** What served it: the chosen subset, its fallback, or undefined when the request failed. */
  readonly backend?: Backend;
  /** True when the fallback served it. */
  readonly viaFallback: boolean;
  /** True when the request fails here: no rule matched (404), or no healthy endpoints (503). */
  readonly failed: boolean;
  /** Share of the requests reaching this hop that take this way, 0..1. */
  readonly probability: number;
  /** The lane marker the request carries on to the next hop. */
  readonly marker: LaneMarker;
  /** Why: the rule and weight, the fallback, or the reason for a 404 or 503. */
  readonly reason: string;
  /** Pod labels of the backend's subset, when a DestinationRule defines it. */
  readonly labels?: { [key: string]: string };
}

/**
 * The result of simulating one request through one VirtualService.
 */
export interface SimulationResult {
  /** The VirtualService that routed the request. */
  readonly virtualService: string;
  /** The rule (route name) that matched; undefined when none matched. */
  readonly rule?: string;
  /** True when a rule matched (otherwise Istio answers 404). */
  readonly matched: boolean;
  /** One outcome per destination of the matched rule (0-weight destinations omitted). */
  readonly outcomes: Hop[];
  /**
   * Probability per lane the request is in (`Hop.lane`: the lane the route marks it with, else the subset it
   * chose), for the shares that are served; lanes with no share are absent.
   */
  readonly laneProbabilities: { [lane: string]: number };
  /** Probability per subset that serves the request (after fallbacks); subsets with no share are absent. */
  readonly subsetProbabilities: { [subset: string]: number };
  /** Probability that the request fails because its subset (and fallback) has no healthy endpoints. */
  readonly unavailableProbability: number;
}

/**
 * One way through a call chain, with its probability.
 */
export interface ChainPathResult {
  /** The hops in call order. */
  readonly hops: Hop[];
  /** Probability of this path, 0..1. */
  readonly probability: number;
  /** The path in the seed's notation: `mocka(version: v2) -> mockb(version: v1)`. */
  readonly trace: string;
}

/**
 * One share of the requests of a class, as the next hop sees it.
 */
export interface TrafficShare {
  /** Where it goes: `host/subset` (short host names), `host` (any endpoint), `503` or `404`. */
  readonly target: string;
  /** Share of the class, 0..1 (relative weights normalized). */
  readonly probability: number;
  /** The headers the destination sets, e.g. `x-asm-prefer-tag=s2` (the lane marker). */
  readonly sets: string;
  /** The declared ASM fallback, `host/subset`. */
  readonly fallback?: string;
}

/**
 * A class of requests whose routing changes.
 */
export interface RequestClassDiff {
  /** A request of the class, e.g. `env: dev; path /api`. */
  readonly request: string;
  /** Where the class goes before the change. */
  readonly before: TrafficShare[];
  /** Where it goes after. */
  readonly after: TrafficShare[];
}

/**
 * How the traffic through one entry point changes.
 */
export interface EntryTrafficDiff {
  /** The entry point: `gateway NS/NAME (hosts: ...)` or `sidecar HOST`. */
  readonly entry: string;
  /** `added`, `removed` or `changed`. */
  readonly status: string;
  /** The classes of requests whose routing changes. */
  readonly classes: RequestClassDiff[];
}

/**
 * How a call chain changes for one class of requests.
 */
export interface ChainClassDiff {
  /** A request of the class. */
  readonly request: string;
  /** The paths before the change, each `trace probability`. */
  readonly before: string[];
  /** The paths after. */
  readonly after: string[];
}

/**
 * Options of `LaneSimulator.diff()`.
 */
export interface DiffOptions {
  /**
   * Also compare this call chain (hosts in call order; short names work), entered as `simulateChain()` enters it.
   * @default - no chain
   */
  readonly chain?: string[];
}

/**
 * What a diagram shows, and how.
 */
export interface DiagramOptions {
  /**
   * Only this host's VirtualServices, and the rules of others (e.g. the gateway's) that route to it. Short
   * names work.
   * @default - every VirtualService
   */
  readonly host?: string;
  /**
   * Only the destinations in this lane (its subset, or the lane marker value they set); with `chain`, only
   * this lane's row.
   * @default - every lane
   */
  readonly lane?: string;
  /**
   * Draw this call chain (hosts in call order; short names work) as swimlanes: one row per lane that requests
   * enter, through every service of the chain, entered as `simulateChain()` enters it (every lane healthy).
   * @default - the routing diagram
   */
  readonly chain?: string[];
  /**
   * The header that carries the lane along the chain (the lane marker shown on its edges).
   * @default "x-asm-prefer-tag"
   */
  readonly routingHeader?: string;
  /**
   * The lane is carried in the W3C `baggage` header, as the entry with this key (the marker shown on the edges).
   * @default - the lane is carried in the routing header
   */
  readonly baggageKey?: string;
  /**
   * The text format (`diagram()` only; `diagramSvg()` draws SVG).
   * @default DiagramFormat.MERMAID
   */
  readonly format?: DiagramFormat;
}

/** What carries the lane: a routing header, or an entry of the baggage header. */
interface Marker {
  readonly header: string;
  readonly baggageKey?: string;
}

/** Graphviz lays out diagrams of at most this many nodes (a larger one takes minutes: filter it). */
const MAX_SVG_NODES = 2000;

/**
 * What a change does to traffic: decisions compared, not text.
 */
export interface TrafficDiff {
  /** True when some request is routed differently, or an entry point, subset or host is added or removed. */
  readonly changed: boolean;
  /** Entry points whose traffic changes. */
  readonly entries: EntryTrafficDiff[];
  /** Subsets (`host/subset`) added and removed. */
  readonly subsetsAdded: string[];
  readonly subsetsRemoved: string[];
  /** Hosts added and removed. */
  readonly hostsAdded: string[];
  readonly hostsRemoved: string[];
  /** Classes of requests whose path along the chain changes (with `DiffOptions.chain`). */
  readonly chains: ChainClassDiff[];
  /** True when regex conditions were compared through witness strings (or classes sampled): a change may go unreported. */
  readonly approximate: boolean;
}

/**
 * How manifests are read.
 */
export interface MeshReadOptions {
  /**
   * The cluster domain of service hosts (`<service>.<namespace>.svc.<domain>`), for ASM lane groups, which
   * name services rather than hosts.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;

  /**
   * The namespace where ASM writes the VirtualServices it generates for lane groups (`trafficlabel-vs-*`,
   * the targets of delegating root VirtualServices).
   * @default 'istio-system'
   */
  readonly asmGeneratedNamespace?: string;
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
 * Simulates requests through VirtualServices (synthesized by this library or hand-written YAML) with Istio's
 * semantics: rules in order, first match wins; match blocks OR, conditions inside a block AND; exact,
 * prefix and RE2 regex matches; weights proportional; subsets from DestinationRules; delegation resolved;
 * ASM fallback when a lane has no healthy endpoints; the routing ASM generates for lane groups modelled.
 * Constructs it does not model (redirects, faults, ...) are refused with a message.
 */
export class LaneSimulator {
  /**
   * Reads every VirtualService and DestinationRule of multi-document YAML, and ASM lane resources
   * (ASMSwimLaneGroup, ASMSwimLane), whose per-service routing ASM generates and the simulation models.
   * Other kinds are skipped.
   * @param yaml the manifests
   * @param fileName how messages name the source
   * @param options how to read them
   */
  public static fromYaml(yaml: string, fileName: string = 'input', options: MeshReadOptions = {}): LaneSimulator {
    checkShape('LaneSimulator.fromYaml()', 'yaml', SHAPES.Text, yaml);
    checkShape('LaneSimulator.fromYaml()', 'fileName', SHAPES.Text, fileName);
    return LaneSimulator.fromYamlSources([{ name: fileName, yaml }], options);
  }

  /**
   * Reads several YAML sources as one mesh (e.g. the files of a `cdk8s synth` output), like `fromYaml()`.
   * @param sources the sources, each with the name messages give it
   * @param options how to read them
   */
  public static fromYamlSources(sources: YamlSource[], options: MeshReadOptions = {}): LaneSimulator {
    checkShape('LaneSimulator.fromYamlSources()', 'sources', SHAPES.YamlSources, sources);
    return LaneSimulator.fromManifests(parseYaml(sources.map(s => ({ name: s.name, text: s.yaml }))), options);
  }

  /**
   * Reads the objects a construct and its children synthesize (as `cdk8s synth` would write them), like
   * `fromYaml()`: a chart, a LaneRouting, a LaneGroup, or any scope.
   * @param scope the construct
   * @param options how to read them
   */
  public static fromConstruct(scope: IConstruct, options: MeshReadOptions = {}): LaneSimulator {
    const objects = scope.node.findAll().filter(ApiObject.isApiObject);
    return LaneSimulator.fromManifests(objects.map(o => ({ obj: o.toJson() })), options);
  }

  private static fromManifests(manifests: Manifest[], options: MeshReadOptions): LaneSimulator {
    checkShape('LaneSimulator', 'options', SHAPES.MeshReadOptions, options);
    return new LaneSimulator(readMesh(manifests, options));
  }

  private readonly mesh: Mesh;
  private knownSubsets?: string[];

  private constructor(mesh: Mesh) {
    this.mesh = mesh;
  }

  /** The VirtualServices requests enter through, as `namespace/name` (delegates merged into their roots). */
  public get virtualServices(): string[] {
    return this.mesh.tables.map(tableName);
  }

  /** Every subset (lane) named by the VirtualServices and DestinationRules read, sorted. */
  public get subsets(): string[] {
    this.knownSubsets ??= [...new Set([...subsetsOf(this.mesh)].map(s => s.slice(s.lastIndexOf('/') + 1)))].sort();
    return [...this.knownSubsets];
  }

  /** The headers the routes set on requests (where a lane marker is carried), sorted. */
  public get routingHeaders(): string[] {
    const out = new Set<string>();
    for (const t of this.mesh.tables) for (const r of t.routes) for (const d of r.destinations) Object.keys(d.setHeaders).forEach(h => out.add(h));
    return [...out].sort();
  }

  /** The keys of the baggage entries the routes add or match (a lane carried in W3C baggage), sorted. */
  public get baggageKeys(): string[] {
    const out = new Set<string>();
    for (const t of this.mesh.tables) {
      for (const r of t.routes) {
        for (const m of r.matches) {
          for (const h of m.headers) {
            const entry = h.name === BAGGAGE_HEADER && h.match?.kind === 'regex' ? parseBaggageEntryPattern(h.match.value) : undefined;
            if (entry) out.add(entry.key);
          }
        }
        for (const d of r.destinations) {
          const added = d.addHeaders[BAGGAGE_HEADER];
          for (const member of added?.split(',') ?? []) {
            const eq = member.indexOf('=');
            if (eq > 0) out.add(member.slice(0, eq).trim());
          }
        }
      }
    }
    return [...out].sort();
  }

  /** What was read but has no effect, e.g. a route whose delegate does not exist (Istio ignores it). */
  public get notes(): string[] {
    return [...this.mesh.notes];
  }

  /**
   * Where `request` goes through one VirtualService: the rule that matches, and one outcome per destination.
   * @param request the request
   * @param options entry point, unhealthy lanes, routing header
   */
  public simulate(request: SimulatedRequest, options: SimulationOptions = {}): SimulationResult {
    checkShape('LaneSimulator.simulate()', 'request', SHAPES.SimulatedRequest, request);
    checkShape('LaneSimulator.simulate()', 'options', SHAPES.SimulationOptions, options);
    const table = this.entryTable(options, undefined);
    const req = makeRequest(request);
    const decision = decide(table, req, this.health(options));
    const header = this.header(options);
    const outcomes = decision.outcomes.map(o => this.hop(table, decision.routeIndex, o, header, req));
    const laneProbabilities: { [lane: string]: number } = {};
    const subsetProbabilities: { [subset: string]: number } = {};
    const add = (to: { [key: string]: number }, key: string | undefined, p: number) => {
      if (key !== undefined) to[key] = (to[key] ?? 0) + p;
    };
    let unavailableProbability = 0;
    for (const o of outcomes) {
      if (o.failed) {
        unavailableProbability += o.probability;
      } else {
        add(laneProbabilities, o.lane, o.probability);
        add(subsetProbabilities, o.backend?.subset, o.probability);
      }
    }
    return {
      virtualService: table.source,
      rule: decision.routeIndex >= 0 ? table.routes[decision.routeIndex].name : undefined,
      matched: decision.routeIndex >= 0,
      outcomes,
      laneProbabilities,
      subsetProbabilities,
      unavailableProbability,
    };
  }

  /**
   * Follows `request` along a call chain (service hosts in call order; a short name such as `mockb` stands
   * for the one known host it begins): the entry VirtualService routes the first call, and each later call
   * leaves from the pod that served the previous one, with the headers its route set, and is routed by the
   * callee's sidecar VirtualService, if any.
   * @param services the hosts called, in order
   * @param request the request
   * @param options entry point, unhealthy lanes, routing header
   */
  public simulateChain(services: string[], request: SimulatedRequest, options: SimulationOptions = {}): ChainPathResult[] {
    checkShape('LaneSimulator.simulateChain()', 'services', SHAPES.Services, services);
    checkShape('LaneSimulator.simulateChain()', 'request', SHAPES.SimulatedRequest, request);
    checkShape('LaneSimulator.simulateChain()', 'options', SHAPES.SimulationOptions, options);
    const hosts = services.map(s => this.resolveHost(s));
    const table = this.entryTable(options, hosts[0]);
    const paths = simulateChain(this.mesh, table, hosts, makeRequest(request), this.health(options));
    const header = this.header(options);
    return paths.map(p => this.pathResult(p, header));
  }

  /**
   * What changes for which requests from this mesh to `after`: for every entry point, the classes of requests
   * the rules of both tell apart, each simulated on both sides (every lane healthy). A rename, a reformat or a
   * reorder that changes no decision is no change; relative weights with the same proportions are the same.
   * @param after the mesh after the change
   * @param options a call chain to compare too
   */
  public diff(after: LaneSimulator, options: DiffOptions = {}): TrafficDiff {
    if (!(after instanceof LaneSimulator)) throw new Error(`LaneSimulator.diff(): after must be a LaneSimulator, got ${show(after)}`);
    checkShape('LaneSimulator.diff()', 'options', SHAPES.DiffOptions, options);
    const d = diffMeshes(this.mesh, after.mesh);
    const chains = options.chain ? this.chainDiff(after, options.chain) : { classes: [], approximate: false };
    const added = [d.subsetsAdded, d.subsetsRemoved, d.hostsAdded, d.hostsRemoved].some(x => x.length > 0);
    const changed = d.entries.length > 0 || chains.classes.length > 0 || added;
    return { ...d, changed, chains: chains.classes, approximate: d.approximate || chains.approximate };
  }

  /** The classes of requests whose path along `chain` differs between this mesh and `after` (every lane healthy). */
  private chainDiff(after: LaneSimulator, chain: string[]): { classes: ChainClassDiff[]; approximate: boolean } {
    if (chain.length === 0) throw new Error('LaneSimulator.diff(): options.chain needs at least one service');
    const sides = [this, after].map(sim => {
      const hosts = chain.map(h => sim.resolveHost(h));
      return { sim, hosts, entry: sim.entryTable({}, hosts[0]) };
    });
    const { requests, approximate } = witnesses(sides.map(s => s.entry));
    const classes = new Map<string, ChainClassDiff>();
    for (const w of requests) {
      const [before, after2] = sides.map(({ sim, hosts, entry }) => {
        const health = { unhealthy: new Set<string>(), subsets: sim.mesh.subsets };
        const paths = simulateChain(sim.mesh, entry, hosts, w.request, health).map(p => sim.pathResult(p, { header: DEFAULT_ROUTING_HEADER }));
        const merged = new Map<string, number>();
        for (const p of paths) merged.set(p.trace, (merged.get(p.trace) ?? 0) + p.probability);
        return [...merged].map(([trace, p]) => `${trace} ${Math.round(p * 10000) / 100}%`).sort();
      });
      if (JSON.stringify(before) === JSON.stringify(after2)) continue;
      const key = JSON.stringify([before, after2]);
      if (!classes.has(key)) classes.set(key, { request: w.text, before, after: after2 });
    }
    return { classes: [...classes.values()], approximate };
  }

  /** The rule table of every VirtualService, as text. */
  public explain(): string {
    return explain(this.mesh);
  }

  /**
   * A diagram of the routing, as Mermaid text: one box per VirtualService with its rules in order, edges
   * labelled by share and by the lane marker each destination sets, fallbacks dashed; or, with `chain`, the
   * chain's lanes as swimlanes. Mermaid renders at most 500 edges and 50,000 characters by default: filter a
   * large mesh with `host`, `lane` or `chain`.
   * @param options filters (host, lane), a chain to draw as swimlanes, the format
   */
  public diagram(options: DiagramOptions = {}): string {
    checkShape('LaneSimulator.diagram()', 'options', SHAPES.DiagramOptions, options);
    const text = toMermaid(this.diagramOf(options));
    return options.format === DiagramFormat.MARKDOWN ? `\`\`\`mermaid\n${text}\`\`\`\n` : text;
  }

  /**
   * The same diagram as `diagram()`, laid out by Graphviz (compiled to WebAssembly, bundled) and drawn as SVG,
   * without a browser. At most 2,000 nodes: filter a large mesh with `host`, `lane` or `chain`.
   * @param options filters (host, lane) and a chain to draw as swimlanes (`format` is not taken)
   */
  public async diagramSvg(options: DiagramOptions = {}): Promise<string> {
    checkShape('LaneSimulator.diagramSvg()', 'options', SHAPES.DiagramOptions, options);
    if (options.format !== undefined) throw new Error(`LaneSimulator.diagramSvg(): options.format is for diagram(); diagramSvg() draws SVG, got ${show(options.format)}`);
    const d = this.diagramOf(options);
    const nodes = nodeCount(d);
    if (nodes > MAX_SVG_NODES) {
      throw new Error(`LaneSimulator.diagramSvg(): the diagram has ${nodes} nodes; SVG is drawn for at most ${MAX_SVG_NODES}: filter it with host, lane or chain`);
    }
    return toSvg(d);
  }

  private diagramOf(options: DiagramOptions): Diagram {
    if (options.chain !== undefined) {
      if (options.host !== undefined) throw new Error('diagram: give host or chain, not both (the chain names its hosts)');
      const hosts = options.chain.map(h => this.resolveHost(h));
      const entry = this.entryTable({}, hosts[0]);
      const lanes = this.chainLanes(entry, hosts, this.header(options)).filter(l => options.lane === undefined || l.lane === options.lane);
      if (lanes.length === 0) throw new Error(`diagram: no request enters lane ${show(options.lane)} at ${tableName(entry)} (lanes: ${list(this.chainLanes(entry, hosts, this.header(options)).map(l => l.lane))})`);
      return chainDiagram(tableName(entry), lanes);
    }
    const host = options.host !== undefined ? this.resolveHost(options.host) : undefined;
    if (options.lane !== undefined && !this.subsets.includes(options.lane) && !this.routingHeaderValues().has(options.lane)) {
      throw new Error(`diagram: lane ${show(options.lane)} is no subset or lane marker of the routes read (subsets: ${list(this.subsets)})`);
    }
    return routingDiagram(this.mesh, { host, lane: options.lane });
  }

  /** The values the routes set in their headers (lane markers). */
  private routingHeaderValues(): Set<string> {
    const out = new Set<string>();
    for (const t of this.mesh.tables) {
      for (const r of t.routes) {
        for (const d of r.destinations) {
          Object.values(d.setHeaders).forEach(v => out.add(v));
          Object.values(d.addHeaders).forEach(v => out.add(v.slice(v.indexOf('=') + 1)));
        }
      }
    }
    return out;
  }

  /** The lanes requests enter at `entry`, each with its classes of requests and its ways along `hosts`. */
  private chainLanes(entry: RouteTable, hosts: string[], header: Marker): LaneSwim[] {
    const health = { unhealthy: new Set<string>(), subsets: this.mesh.subsets };
    const lanes = new Map<string, { requests: Map<string, number>; paths: Map<string, ChainPathResult> }>();
    for (const w of witnesses([entry]).requests) {
      for (const p of simulateChain(this.mesh, entry, hosts, w.request, health).map(x => this.pathResult(x, header))) {
        const lane = p.hops[0]?.lane ?? '(no lane)';
        let l = lanes.get(lane);
        if (!l) lanes.set(lane, l = { requests: new Map(), paths: new Map() });
        l.requests.set(w.text, (l.requests.get(w.text) ?? 0) + p.probability);
        if (!l.paths.has(p.trace)) l.paths.set(p.trace, p);
      }
    }
    return [...lanes].sort(([a], [b]) => a.localeCompare(b)).map(([lane, l]) => ({
      lane, requests: [...l.requests].map(([text, share]) => ({ text, share })), paths: [...l.paths.values()],
    }));
  }

  private header(options: SimulationOptions): Marker {
    const key = options.baggageKey;
    if (key !== undefined) {
      if (options.routingHeader !== undefined) throw new Error('give routingHeader or baggageKey, not both: the lane is carried in one of them');
      if (!isBaggageKey(key)) throw new Error(`baggageKey ${show(key)} is not a W3C baggage key: 1 to 64 letters, digits or !#$%&'*+-.^_|~`);
      const keys = this.baggageKeys;
      if (!keys.includes(key)) throw new Error(`baggageKey ${show(key)}: no route adds or matches a baggage entry with it (keys: ${list(keys)})`);
    }
    return { header: (options.routingHeader ?? DEFAULT_ROUTING_HEADER).toLowerCase(), baggageKey: key };
  }

  /** The lane marker a request carries: the routing header's value, or its baggage entry's. */
  private marker(m: Marker, req: Request): LaneMarker {
    if (m.baggageKey !== undefined) return { header: BAGGAGE_HEADER, value: baggageEntry(req.headers[BAGGAGE_HEADER], m.baggageKey) };
    return { header: m.header, value: Object.prototype.hasOwnProperty.call(req.headers, m.header) ? req.headers[m.header] : undefined };
  }

  /**
   * The lane of a rule that matches a lane's baggage entry (`key=<lane>`, as Propagation.baggage() renders it);
   * with several entries for the key, the first such rule in order decides, as it does in Envoy.
   */
  private entryLane(route: RouteTable['routes'][number], key: string): string | undefined {
    for (const m of route.matches) {
      for (const h of m.headers) {
        if (h.name !== BAGGAGE_HEADER || h.absent || h.match?.kind !== 'regex') continue;
        const entry = parseBaggageEntryPattern(h.match.value);
        if (entry?.key === key) return entry.value;
      }
    }
    return undefined;
  }

  /** The lane a destination marks a request with: the routing header it sets, or the baggage entry it adds. */
  private marks(m: Marker, d: RouteDestination): string | undefined {
    if (m.baggageKey !== undefined) return baggageEntry(d.addHeaders[BAGGAGE_HEADER], m.baggageKey);
    return Object.prototype.hasOwnProperty.call(d.setHeaders, m.header) ? d.setHeaders[m.header] : undefined;
  }

  /** A hop for one outcome of a decision; `req` is the request as it reached the VirtualService, or as it leaves it. */
  private hop(table: RouteTable, routeIndex: number, o: Outcome, header: Marker, req: Request): Hop {
    const d = o.destination;
    const labels = labelsOf(this.mesh, o.served);
    // a lane in baggage stays in the request (sidecars only match it): the lane whose entry the rule matched
    const set = this.marks(header, d) ?? (header.baggageKey !== undefined ? this.entryLane(table.routes[routeIndex], header.baggageKey) : undefined);
    return {
      host: d.host,
      virtualService: table.source,
      rule: table.routes[routeIndex].name,
      lane: set ?? d.subset,
      backend: o.served ? { host: o.served.host, subset: o.served.subset, port: o.served.port } : undefined,
      viaFallback: o.viaFallback,
      failed: o.served === undefined,
      probability: o.probability,
      marker: {
        header: this.marker(header, req).header,
        value: (header.baggageKey !== undefined ? set : this.marks(header, d)) ?? this.marker(header, req).value,
      },
      reason: reasonOf(table, routeIndex, o),
      labels: labels ? { ...labels } : undefined,
    };
  }

  private stepHop(s: Step, header: Marker): Hop {
    if (s.outcome && s.table) {
      const index = s.table.routes.findIndex(r => r.destinations.includes(s.outcome!.destination));
      return this.hop(s.table, index, s.outcome, header, s.request);
    }
    return {
      host: s.host,
      virtualService: s.table?.source,
      rule: s.rule,
      viaFallback: false,
      failed: s.failed,
      probability: s.probability,
      marker: this.marker(header, s.request),
      reason: s.reason,
    };
  }

  private pathResult(p: ChainPath, header: Marker): ChainPathResult {
    const hops: Hop[] = [];
    const trace: string[] = [];
    for (const s of p.steps) {
      const hop = this.stepHop(s, header);
      hops.push(hop);
      const name = hop.host.split('.')[0];
      if (hop.failed) {trace.push(`${name}(${s.outcome ? 503 : 404})`);} else if (!hop.backend?.subset) {trace.push(`${name}(any)`);} else {
        const what = hop.labels ? Object.entries(hop.labels).map(([k, v]) => `${k}: ${v}`).join(', ') : `subset ${hop.backend.subset}`;
        trace.push(`${name}(${what}${hop.viaFallback ? `, fallback from ${s.outcome!.destination.subset}` : ''})`);
      }
    }
    return { hops, probability: p.probability, trace: trace.join(' -> ') };
  }

  /** A host as given, or a short name (`mockb`) that names exactly one known host. */
  private resolveHost(name: string): string {
    const known = hostsOf(this.mesh);
    if (known.has(name)) return name;
    const hits = [...known].filter(h => h.split('.')[0] === name);
    if (hits.length === 1) return hits[0];
    throw new Error(hits.length
      ? `service ${show(name)} is ambiguous: ${list(hits)}`
      : `service ${show(name)} is not routed by any VirtualService read (known hosts: ${list([...known].filter(h => h !== '*'))})`);
  }

  /** The unhealthy subsets, each a known subset (`s3`) or a known subset of a known host (`host/s3`). */
  private health(options: SimulationOptions): Health {
    const unhealthy = new Set<string>();
    for (const entry of options.unhealthyLanes ?? []) {
      const slash = entry.lastIndexOf('/');
      const subset = slash >= 0 ? entry.slice(slash + 1) : entry;
      const known = this.knownSubsets ?? this.subsets;
      if (!known.includes(subset)) {
        throw new Error(`unhealthyLanes: ${show(entry)} names no subset of the VirtualServices and DestinationRules read (subsets: ${list(known)})`);
      }
      unhealthy.add(slash >= 0 ? `${this.resolveHost(entry.slice(0, slash))}/${subset}` : subset);
    }
    return { unhealthy, subsets: this.mesh.subsets };
  }

  /** The entry table: by gateway, by host, else the only gateway-bound one, else the chain's first host's or the only one. */
  private entryTable(options: SimulationOptions, firstHost: string | undefined): RouteTable {
    if (options.gateway !== undefined && options.host !== undefined) throw new Error('give gateway or host, not both');
    const tables = this.mesh.tables;
    const gatewayBound = tables.filter(t => t.gateways.length > 0);
    const host = options.host !== undefined ? this.resolveHost(options.host) : (gatewayBound.length === 0 ? firstHost : undefined);
    let candidates: RouteTable[];
    let what: string;
    if (options.gateway !== undefined) {
      candidates = tables.filter(t => t.gateways.includes(options.gateway!));
      what = ` bound to gateway ${show(options.gateway)}`;
    } else if (host !== undefined) {
      candidates = tables.filter(t => t.mesh && t.hosts.includes(host));
      what = ` for sidecars of host ${host}`;
    } else {
      candidates = gatewayBound.length > 0 ? gatewayBound : [...tables];
      what = gatewayBound.length > 0 ? ' bound to a gateway' : '';
    }
    if (candidates.length === 1) return candidates[0];
    const found = tables.map(t => `${t.source} (${[...(t.gateways.length ? [`gateways: ${list(t.gateways)}`] : []), ...(t.mesh ? [`mesh, hosts: ${list(t.hosts)}`] : [])].join('; ')})`).join('; ');
    if (candidates.length === 0) throw new Error(`no VirtualService${what}; found: ${found}`);
    throw new Error(`${candidates.length} VirtualServices${what}: choose one with a gateway (namespace/name) or a host; found: ${found}`);
  }
}
