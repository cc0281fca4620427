import { IConstruct } from 'constructs';
import { DiagramFormat, DiagramOptions } from './diagram';
import { ChainClassDiff, DiffOptions, TrafficDiff } from './diff';
import { chainDiagram, chainLanes } from './private/diagram/chain';
import { Diagram, nodeCount, toMermaid, toSvg } from './private/diagram/graph';
import { routingDiagram } from './private/diagram/routing';
import { DEFAULT_ROUTING_HEADER } from './private/model/types';
import { diffMeshes, witnesses } from './private/simulate/diff';
import { decide, portsOf, simulateChain, withPort } from './private/simulate/engine';
import { callerNamespace, entryTable, entryTableOrNone, healthOf, resolveHost, serviceItself, tableNotes } from './private/simulate/entry';
import { explain } from './private/simulate/explain';
import { attachedFor } from './private/simulate/matcher';
import { baggageKeysOf, markerValuesOf, Mesh, RouteTable, routingHeadersOf, subsetsOf, tableName } from './private/simulate/mesh';
import { Manifest, parseYaml, readMesh } from './private/simulate/read/manifests';
import { makeRequest } from './private/simulate/request';
import { hopOf, Marker, markerOf, pathResult } from './private/simulate/results';
import { checkShape } from './private/validation/shape';
import { SHAPES } from './private/validation/shapes';
import { list, show } from './private/validation/values';
import { ChainPathResult, MeshReadOptions, SimulatedRequest, SimulationOptions, SimulationResult, YamlSource } from './simulation';

/** Graphviz lays out diagrams of at most this many nodes (a larger one takes minutes: filter it). */
const MAX_SVG_NODES = 2000;

/**
 * Simulates requests through VirtualServices and Gateway API HTTPRoutes (synthesized by this library or
 * hand-written YAML) with Istio's and the Gateway API's semantics: rules in order (HTTPRoutes by the spec's
 * precedence), first match wins; match blocks OR, conditions inside a block AND; exact, prefix and RE2 regex
 * matches; weights proportional; subsets from DestinationRules; delegation resolved; ASM fallback when a lane
 * has no healthy endpoints; the routing ASM generates for lane groups modelled. What it does not model and could
 * change where a request goes (a VirtualService's fault, an HTTPRoute's ExtensionRef filter, ...) is refused
 * with a message.
 */
export class LaneSimulator {
  /**
   * Reads every VirtualService and DestinationRule of multi-document YAML, ASM lane resources (ASMSwimLaneGroup,
   * ASMSwimLane), whose per-service routing ASM generates and the simulation models, and the Gateway API's
   * Gateways and HTTPRoutes with the Services and Namespaces they refer to. Other kinds are skipped.
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
    // cdk8s is loaded here, when a construct is read: the CLI reads manifests without it
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ApiObject } = require('cdk8s') as typeof import('cdk8s');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (!(require('constructs') as typeof import('constructs')).Construct.isConstruct(scope)) {
      throw new Error(`LaneSimulator.fromConstruct(): scope must be a construct (a Chart, a LaneRouting, a LaneGroup ...), got ${show(scope)}; read YAML with LaneSimulator.fromYaml()`);
    }
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
    return routingHeadersOf(this.mesh);
  }

  /** The keys of the baggage entries the routes add or match (a lane carried in W3C baggage), sorted. */
  public get baggageKeys(): string[] {
    return baggageKeysOf(this.mesh);
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
    const header = this.header(options);
    const health = this.health(options);
    const table = options.host !== undefined ? entryTableOrNone(this.mesh, options) : this.entryTable(options, undefined);
    const given = { ...makeRequest(request), sourceNamespace: callerNamespace(table, options) };
    if (!table) return serviceItself(this.mesh, resolveHost(this.mesh, options.host!), given, header);
    const ports = portsOf(table);
    if (given.port === undefined && ports.length > 1) {
      throw new Error(`LaneSimulator.simulate(): the routes of ${table.source} take requests on ports ${ports.join(', ')}: give the request's port (request.port)`);
    }
    const req = withPort(table, given);
    if (!attachedFor(table, req)) return serviceItself(this.mesh, table.hosts[0], req, header, `no HTTPRoute of ${table.source} is attached for this request's port and caller`);
    const decision = decide(table, req, health);
    const outcomes = decision.outcomes.map(o => hopOf(this.mesh, table, decision.routeIndex, o, header, req));
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
    const statuses = new Set(outcomes.map(o => o.status));
    const notes = [...new Set([...tableNotes(table, options), ...outcomes.flatMap(o => o.notes ?? [])])];
    return {
      virtualService: table.source,
      rule: decision.routeIndex >= 0 ? table.routes[decision.routeIndex].name : undefined,
      matched: decision.routeIndex >= 0,
      ...(decision.routeIndex < 0 ? { status: 404 } : statuses.size === 1 ? { status: [...statuses][0] } : {}),
      port: req.port!,
      notes,
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
    const table = this.chainEntry(options, hosts);
    const req = { ...makeRequest(request), sourceNamespace: callerNamespace(table, options) };
    const paths = simulateChain(this.mesh, table, hosts, req, this.health(options));
    const header = this.header(options);
    return paths.map(p => pathResult(this.mesh, p, header));
  }

  /**
   * What changes for which requests from this mesh to `after`: for every entry point, the classes of requests
   * the rules of both tell apart, each simulated on both sides (every lane healthy). A rename, a reformat or a
   * reorder that changes no decision is no change; relative weights with the same proportions are the same.
   * @param after the mesh after the change
   * @param options a call chain to compare too
   */
  public diff(after: LaneSimulator, options: DiffOptions = {}): TrafficDiff {
    if (!(after instanceof LaneSimulator)) {
      const construct = typeof after === 'object' && after !== null && 'node' in after;
      throw new Error(`LaneSimulator.diff(): after must be a LaneSimulator, got ${show(after)}${construct ? '; read a construct with LaneSimulator.fromConstruct(), or take its simulator()' : ''}`);
    }
    checkShape('LaneSimulator.diff()', 'options', SHAPES.DiffOptions, options);
    const complete = options.complete ?? false;
    const d = diffMeshes(this.mesh, after.mesh, complete);
    const chains = options.chain ? this.chainDiff(after, options.chain, complete) : { classes: [], approximate: false };
    // subsets and hosts added or removed are listed; they change traffic only where a request reaches them (an entry)
    const changed = d.entries.length > 0 || chains.classes.length > 0;
    return { ...d, changed, chains: chains.classes, approximate: d.approximate || chains.approximate };
  }

  /** The classes of requests whose path along `chain` differs between this mesh and `after` (every lane healthy). */
  private chainDiff(after: LaneSimulator, chain: string[], complete: boolean): { classes: ChainClassDiff[]; approximate: boolean } {
    if (chain.length === 0) throw new Error('LaneSimulator.diff(): options.chain needs at least one service');
    const sides = [this, after].map(sim => {
      const hosts = chain.map(h => sim.resolveHost(h));
      return { sim, hosts, entry: sim.chainEntry({ complete }, hosts) };
    });
    const { requests, approximate } = witnesses(sides.map(s => s.entry).filter((t): t is RouteTable => t !== undefined));
    const classes = new Map<string, ChainClassDiff>();
    for (const w of requests) {
      const [before, after2] = sides.map(({ sim, hosts, entry }) => {
        const health = { unhealthy: new Set<string>(), subsets: sim.mesh.subsets, complete };
        // Stryker disable next-line ObjectLiteral: a trace does not show the lane marker, so the marker it is read with changes nothing
        const paths = simulateChain(sim.mesh, entry, hosts, w.request, health).map(p => pathResult(sim.mesh, p, { header: DEFAULT_ROUTING_HEADER }));
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
      const lanes = chainLanes(this.mesh, entry, hosts, this.header(options)).filter(l => options.lane === undefined || l.lane === options.lane);
      if (lanes.length === 0) throw new Error(`diagram: no request enters lane ${show(options.lane)} at ${tableName(entry)} (lanes: ${list(chainLanes(this.mesh, entry, hosts, this.header(options)).map(l => l.lane))})`);
      return chainDiagram(tableName(entry), lanes);
    }
    const host = options.host !== undefined ? this.resolveHost(options.host) : undefined;
    if (options.lane !== undefined && !this.subsets.includes(options.lane) && !markerValuesOf(this.mesh).has(options.lane)) {
      throw new Error(`diagram: lane ${show(options.lane)} is no subset or lane marker of the routes read (subsets: ${list(this.subsets)})`);
    }
    return routingDiagram(this.mesh, { host, lane: options.lane });
  }

  /** What carries the lane: the routing header, or the baggage entry, the options name. */
  private header(options: SimulationOptions): Marker {
    return markerOf(options, () => this.baggageKeys);
  }

  /** A host as given, or a short name (`mockb`) that names exactly one known host. */
  private resolveHost(name: string): string {
    return resolveHost(this.mesh, name);
  }

  /** The unhealthy subsets, each a known subset (`s3`) or a known subset of a known host (`host/s3`). */
  private health(options: SimulationOptions) {
    return { ...healthOf(this.mesh, this.knownSubsets ?? this.subsets, options), complete: options.complete ?? false };
  }

  /** Where a chain enters: the gateway's table, or the first host's sidecar table (none: its Service serves it). */
  private chainEntry(options: SimulationOptions, hosts: readonly string[]): RouteTable | undefined {
    const fromMesh = options.gateway === undefined && (options.host !== undefined || !this.mesh.tables.some(t => t.gateways.length > 0));
    return fromMesh ? entryTableOrNone(this.mesh, { ...options, host: options.host ?? hosts[0] }) : this.entryTable(options, hosts[0]);
  }

  /** The table requests enter through (see SimulationOptions.gateway and .host). */
  private entryTable(options: SimulationOptions, firstHost: string | undefined) {
    return entryTable(this.mesh, options, firstHost);
  }
}
