/**
 * Simulation: the request to simulate, where to enter and how to read manifests, and the answers (hops,
 * results, chain paths). Types only: `LaneSimulator` (lane-simulator.ts) computes them.
 */
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

  /**
   * The port the request arrives on: a Gateway listener's, or the Service port a call inside the mesh targets.
   * @default - the port of the `host` header (`echo:8080`); else the only port the entry's routes name; else the
   * scheme's (80 for http, 443 for https)
   */
  readonly port?: number;

  /**
   * The scheme: `http` or `https` (redirects keep it unless they change it).
   * @default 'http'
   */
  readonly scheme?: string;
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
   * Target.ISTIO or Target.GATEWAY_API): reported as each hop's lane marker (header `baggage`, value the entry's).
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

  /**
   * The namespace of the calling workload, for a call inside the mesh: Gateway API consumer routes (HTTPRoutes
   * bound to a Service of another namespace) apply to callers of their own namespace only, and VirtualService
   * matches may name it (`sourceNamespace`). Along a chain, each later call comes from the namespace of the
   * service that served the previous one.
   * @default - unknown: consumer routes and `sourceNamespace` matches do not apply
   */
  readonly sourceNamespace?: string;

  /**
   * The input holds every object of the cluster, so what it lacks does not exist: a backend whose Service was not
   * read, a cross-namespace reference without a ReferenceGrant, or a backend of a kind the simulation does not
   * model fails with 500; a route bound to a Gateway that was not read is attached nowhere; a subset of a host
   * without a DestinationRule has no endpoints (503). Without it, each of these is routed as if the object
   * existed, and a note says so.
   * @default false
   */
  readonly complete?: boolean;
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
 * Header edits a proxy makes: values set (replacing), values added (appended), names removed.
 */
export interface HeaderModifications {
  /** Headers set, replacing any value. */
  readonly set: { [name: string]: string };
  /** Headers added: appended to a value already there. */
  readonly add: { [name: string]: string };
  /** Headers removed. */
  readonly remove: string[];
}

/**
 * A backend that receives a copy of a share of the requests (Gateway API RequestMirror).
 */
export interface Mirror {
  /** The backend. */
  readonly backend: Backend;
  /** The percentage of the requests it receives a copy of, 0..100. */
  readonly percent: number;
}

/**
 * The request as a backend receives it.
 */
export interface ForwardedRequest {
  /** Its authority (`host`), rewritten or as sent; undefined when the request named none. */
  readonly authority?: string;
  /** Its path with the query string, rewritten or as sent. */
  readonly path: string;
  /** Its headers (lowercase names), after the route's edits. */
  readonly headers: { [name: string]: string };
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
  /** True when the request fails here: no rule matched (404), a backend that cannot be used (500), or no healthy endpoints (503). */
  readonly failed: boolean;
  /**
   * The status the caller gets: 200 when a backend serves it, a redirect's 3xx, 404 when no rule matched, 500 for a
   * backend that cannot be used, 503 when no healthy endpoints serve it; undefined when it is unknown (a backend of a
   * kind the simulation does not model: see `notes`).
   */
  readonly status?: number;
  /** A redirect's Location. */
  readonly location?: string;
  /** The request as the backend receives it (header edits, host and path rewrites); undefined when no backend serves it. */
  readonly request?: ForwardedRequest;
  /** What the proxy does to the backend's response headers (Gateway API ResponseHeaderModifier). */
  readonly responseHeaders?: HeaderModifications;
  /** Backends that receive a copy of the request (their answers are dropped). */
  readonly mirroredTo?: Mirror[];
  /** What this answer rests on that the input does not settle, or that only the run time decides. */
  readonly notes?: string[];
  /** Share of the requests reaching this hop that take this way, 0..1. */
  readonly probability: number;
  /** The lane marker the request carries on to the next hop. */
  readonly marker: LaneMarker;
  /** Why: the rule and weight, the fallback, or the reason for a 404 or 503. */
  readonly reason: string;
  /** Pod labels of the backend's subset, when a DestinationRule defines it. */
  readonly labels?: { [key: string]: string };
  /**
   * The workloads whose pods serve it (`Deployment default/mocka-s2`): those the backend Service's selector and the
   * subset's labels select, in the Service's namespace. Undefined when the input holds no workload, or no Service
   * with a selector for the backend's host.
   */
  readonly workloads?: string[];
}

/**
 * The result of simulating one request through one VirtualService.
 */
export interface SimulationResult {
  /** The route table (VirtualService, HTTPRoutes) that routed the request; undefined when none routes its host (its Service serves it). */
  readonly virtualService?: string;
  /** The rule (route name) that matched; undefined when none matched. */
  readonly rule?: string;
  /** True when a rule matched (otherwise Istio answers 404). */
  readonly matched: boolean;
  /** The status the caller gets when every outcome agrees (404 when no rule matched); undefined when they differ. */
  readonly status?: number;
  /** The request's port, as given or settled (see `SimulatedRequest.port`). */
  readonly port: number;
  /**
   * What the answer rests on that the input does not settle (an object it lacks, a field read but not modelled,
   * a decision only the run time makes), and how merged routes were ordered; empty when nothing.
   */
  readonly notes: string[];
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
  /** The path in the notation of ASM's permissive-lane scenario: `mocka(version: v2) -> mockb(version: v1)`. */
  readonly trace: string;
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

  /**
   * Gateway listener isolation (the Gateway API's GatewayHTTPListenerIsolation): a request is handled only by the
   * most specific listener whose hostname matches it, never by a less specific one on the same port. Off: every
   * listener on the port takes it, by the most specific route hostname.
   * @default true
   */
  readonly listenerIsolation?: boolean;
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
