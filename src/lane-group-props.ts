import { Construct } from 'constructs';
import { LaneServices } from './lane';
import { Mode } from './mode';
import { Propagation } from './propagation';
import { RouteOptions } from './route';
import { LaneRule } from './rule';
import { Target } from './target';
import { LaneExpiry, WorkloadOverrides } from './workload';

/**
 * A service of a lane group.
 */
export interface LaneGroupService {
  /** Kubernetes Service name (DNS-1123 label), unique within the group. */
  readonly name: string;

  /** Namespace of the Service. */
  readonly namespace: string;

  /**
   * Port set on the generated destinations.
   * @default - no port
   */
  readonly port?: number;

  /**
   * Target.GATEWAY_API: the selector and ports of the service's pods, from which a Service per lane that holds
   * the service is rendered (`<service>-<lane>`). Required on that target; not taken by the others.
   * @default - none
   */
  readonly laneServices?: LaneServices;

  /**
   * The service's baseline workload, forked into every other lane that holds the service (strict mode: every
   * lane): a Deployment (the generated `KubeDeployment`, a cdk8s-plus `Deployment`, or any `ApiObject` of kind
   * Deployment, one from `Include` too), a StatefulSet or an Argo Rollout. A fork is named `<workload>-<lane>`;
   * the lane's `podLabels` are added to its selector and pod template, and to the baseline's pod template (the
   * baseline lane's). The Service's selector is left as it is: it selects every lane.
   * @default - no workload is forked: each lane's workloads are deployed by other means
   */
  readonly workload?: Construct;
}

/**
 * A lane of a lane group: the services it holds and the pod labels of its workloads.
 */
export interface LaneGroupLane {
  /** Lane name: a DNS-1123 label such as `s2` (subset name, routing-header value, ASMSwimLane name). */
  readonly name: string;

  /**
   * Names of the group's services that have workloads in this lane. In permissive mode a lane may hold
   * some of them (the others are served by the baseline); in strict mode every lane holds all.
   */
  readonly services: string[];

  /** Pod labels that select this lane's workloads of every service it holds, e.g. `{ version: 'v2' }`. */
  readonly podLabels: { [key: string]: string };

  /**
   * Per service (by name), what this lane's fork of the service's baseline workload changes: image,
   * environment, replicas. Only for services the lane holds that have a `workload`; not for the baseline lane.
   * @default - the forks are the baseline's workloads with the lane's labels
   */
  readonly workloads?: { [service: string]: WorkloadOverrides };

  /**
   * The last day of a preview lane, `YYYY-MM-DD` (UTC). Within `expiry.warnDays` of it synth warns; after it
   * synth fails, naming the lane and the date: remove the lane, or move the date.
   * @default - the lane does not expire
   */
  readonly expires?: string;
}

/**
 * The ingress entry point of a lane group: the gateway VirtualService (an ingress HTTPRoute on the Gateway API)
 * that sends requests into lanes.
 */
export interface LaneGroupIngress {
  /** The ingress gateway (an Istio Gateway, or a Gateway API Gateway), `namespace/name`, e.g. `istio-system/ingressgateway`. */
  readonly gateway: string;

  /** The group service that requests enter (the first service of the call chain). */
  readonly entryService: string;

  /**
   * Rules that send matching requests to lanes (first match wins); more with `LaneGroup.addRule()`.
   * @default - none: every request enters the baseline
   */
  readonly rules?: LaneRule[];

  /**
   * Hosts of the gateway VirtualService.
   * @default ['*']
   */
  readonly hosts?: string[];

  /**
   * Namespace of the gateway VirtualService.
   * @default - the gateway's namespace
   */
  readonly namespace?: string;

  /**
   * Name of the gateway VirtualService.
   * @default '<group>-ingress'
   */
  readonly name?: string;

  /**
   * Name of the default route (to the baseline).
   * @default 'base-route'
   */
  readonly defaultRouteName?: string;
}

/**
 * Props of a LaneGroup.
 */
export interface LaneGroupProps {
  /** Group name (DNS-1123 label): the ASMSwimLaneGroup name and the prefix of generated object names. */
  readonly name: string;

  /**
   * ASM: the ASMSwimLaneGroup and one ASMSwimLane per lane (ASM generates the DestinationRules and sidecar
   * VirtualServices). ISTIO: a DestinationRule and a sidecar VirtualService per service. GATEWAY_API: per
   * service, its lane Services and a mesh HTTPRoute.
   */
  readonly target: Target;

  /** The services of the call chain, in call order (e.g. mocka, mockb, mockc). */
  readonly services: LaneGroupService[];

  /** The lanes, baseline included. */
  readonly lanes: LaneGroupLane[];

  /** The baseline lane: holds every service; serves every service a lane does not hold. */
  readonly baseline: string;

  /**
   * Permissive: lanes may hold some of the services; the routing header keeps a request in its lane.
   * Strict: every lane holds every service; no header is needed.
   * @default Mode.PERMISSIVE
   */
  readonly mode?: Mode;

  /**
   * Request header whose value (a lane name) pins a request to its lane.
   * @default 'x-asm-prefer-tag'
   */
  readonly routingHeader?: string;

  /**
   * How a request keeps its lane along the call chain (permissive mode), as one of ASM's three scenarios;
   * each names the header every service must forward:
   * - `Propagation.customHeader()`: the services forward the routing header (the default);
   * - `Propagation.traceId(header)` (Target.ASM): the services forward a per-request trace id, and ASM
   *   re-attaches the routing header on every hop;
   * - `Propagation.baggage()`: OpenTelemetry forwards the W3C `baggage` header. On Target.ASM an
   *   `ASMHeaderPropagation` per namespace re-attaches the routing header from the baggage context; on
   *   Target.ISTIO and Target.GATEWAY_API the lane is a baggage entry (`lane=s2`) that the ingress adds and the
   *   mesh routes match.
   * @default Propagation.customHeader()
   */
  readonly propagation?: Propagation;

  /**
   * End-to-end pass-through header that every service propagates (ASM permissive lanes).
   * @deprecated use `propagation`: `Propagation.traceId(header)`, `Propagation.baggage()` for `baggage`, or
   * `Propagation.customHeader()` for the routing header itself
   * @default - the routing header
   */
  readonly traceHeader?: string;

  /**
   * The cluster domain of the services' hosts (`<service>.<namespace>.svc.<domain>`).
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;

  /**
   * The namespace where ASM writes the VirtualServices it generates for the group
   * (`trafficlabel-vs-<group>-<namespace>-<service>`), to which the per-service root VirtualServices delegate.
   * ASM only.
   * @default 'istio-system'
   */
  readonly asmGeneratedNamespace?: string;

  /**
   * The ingress entry point.
   * @default - no ingress VirtualService
   */
  readonly ingress?: LaneGroupIngress;

  /**
   * Timeout and retries of the per-service lane routes. With Target.ASM they go on a root VirtualService
   * per service that delegates to the one ASM generates (turn on ASM's "delegate VirtualService" for
   * those services).
   * @default - none
   */
  readonly routeOptions?: RouteOptions;

  /**
   * How lanes that carry an expiry date (`expires`) are checked at synth: the days of warning, and the clock.
   * @default - warn 7 days ahead, by the system's clock
   */
  readonly expiry?: LaneExpiry;
}
