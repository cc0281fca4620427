import { ApiObject, ApiObjectMetadata, Chart, JsonPatch, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { LaneGroupProps } from './lane-group-props';
import { LaneRouting } from './lane-routing';
import { LaneSimulator } from './lane-simulator';
import * as lanes from '../imports/asm-lanes-istio.alibabacloud.com';
import * as asm from '../imports/asm-networking.istio.io';
import * as istio from '../imports/istio-networking.istio.io';
import { registerReadOptions, registerRendered, renderedOnce } from './private/analysis/synth-runner';
import { GroupModel, GroupService, laneHolds, laneMarkerProps, normalizeGroup, serviceObjectName, serviceRoutingProps } from './private/model/group';
import { markerOptions } from './private/model/marker';
import { normalize } from './private/model/normalize';
import { addCustomRoute } from './private/model/routes';
import { LaneModel } from './private/model/types';
import { expiryFindings, planWorkloads } from './private/model/workloads';
import { DELEGATE_ROUTE_NAME, renderDelegatingRootSpec, renderSwimLaneGroupSpec, renderSwimLaneSpec } from './private/render/lane-group';
import { renderDestinationRuleSpec, renderSidecarSpec } from './private/render/lane-routing';
import { baselineProblems, forkWorkload, workloadObject } from './private/render/workloads';
import { checkShape } from './private/validation/shape';
import { SHAPES } from './private/validation/shapes';
import { applyChecked } from './private/validation/size';
import { list, show } from './private/validation/values';
import { PropagationKind } from './propagation';
import { CustomRoute, RoutePlacement } from './route';
import { LaneRule } from './rule';
import { ChainPathResult, SimulatedRequest, SimulationOptions } from './simulation';
import { Target } from './target';

/** The construct id of the root VirtualService that delegates to ASM's for `svc`. */
function delegateId(svc: GroupService): string {
  return `DelegateVirtualService-${svc.name}`;
}

/**
 * Lanes across a call chain: the services (mocka → mockb → mockc), the lanes and the services each holds,
 * the baseline that serves what a lane does not hold, and the ingress rules that send requests into lanes.
 * Each service is routed by the same lane model as a `LaneRouting`, rendered by the same renderer: a lane
 * that holds the service has its own subset, a lane that does not is served by the baseline's.
 *
 * - `Target.ISTIO`: per service, a DestinationRule (a subset per lane that holds the service) and a sidecar
 *   VirtualService (routing header → the lane; strict mode: the caller's lane labels), as a `LaneRouting`
 *   with a sidecar entry point renders them. The applications must propagate the routing header
 *   (permissive mode).
 * - `Target.ASM`: the `ASMSwimLaneGroup` and one `ASMSwimLane` per lane; ASM generates the per-service
 *   DestinationRules and VirtualServices, so none are rendered here (they would collide). Per-service
 *   timeout, retries and custom routes go on a root VirtualService that delegates to ASM's.
 * - `Target.GATEWAY_API`: per service, its lane Services (from `laneServices`) and a mesh HTTPRoute bound to
 *   the Service.
 *
 * All: the ingress entry point (a LaneRouting: a gateway VirtualService, or an ingress HTTPRoute on the Gateway
 * API) for the entry service.
 */
export class LaneGroup extends Construct {
  /** The ingress entry point (escape hatch to its LaneRouting), when `ingress` is set. */
  public readonly ingress?: LaneRouting;
  /** The ASMSwimLaneGroup (Target.ASM). */
  public readonly swimLaneGroup?: ApiObject;
  /** One ASMSwimLane per lane (Target.ASM), in lane order. */
  public readonly swimLanes: ApiObject[] = [];
  /**
   * Target.ASM with `Propagation.baggage()`: one ASMHeaderPropagation per namespace of the group's services,
   * which re-attaches the routing header from the baggage context on each hop (escape hatches).
   */
  public readonly headerPropagations: ApiObject[] = [];
  /** One DestinationRule per service (Target.ISTIO), in service order. */
  public readonly destinationRules: ApiObject[] = [];
  /** Per-service sidecar VirtualServices (Target.ISTIO) or delegating root VirtualServices (Target.ASM). */
  public readonly sidecarVirtualServices: ApiObject[] = [];
  /**
   * The lanes' forks of the services' baseline workloads (`LaneGroupService.workload`), `<workload>-<lane>`, in
   * service order, then lane order.
   */
  public readonly workloads: ApiObject[] = [];

  private readonly model: GroupModel;
  /** Target.GATEWAY_API: each service's routing (its lane Services and mesh HTTPRoute) */
  private readonly serviceRoutings = new Map<string, LaneRouting>();
  /** each service's lane model, with its custom routes (ASM: what its delegating root renders) */
  private readonly serviceModels = new Map<string, LaneModel>();

  /**
   * @param scope the parent construct, usually a Chart
   * @param id the construct id, unique among its siblings
   * @param props the services, lanes, baseline, target and ingress
   */
  constructor(scope: Construct, id: string, props: LaneGroupProps) {
    super(scope, id);
    const context = `LaneGroup "${this.node.path}"`;
    checkShape(context, 'props', SHAPES.LaneGroupProps, props);
    this.model = normalizeGroup(context, props);
    const m = this.model;
    this.forkWorkloads(props);

    if (props.ingress) {
      const i = props.ingress;
      const entry = this.service(i.entryService);
      this.ingress = this.asGroup(() => new LaneRouting(this, 'Ingress', {
        target: m.target,
        mode: m.mode,
        ...laneMarkerProps(m),
        host: entry.host,
        // on the Gateway API the backends need a port: the service's, else its lane Services' only one
        port: entry.port ?? (entry.laneServices?.ports.length === 1 ? entry.laneServices.ports[0].port : undefined),
        // the entry service's subsets are defined by its own routing (ISTIO) or by ASM: no pod labels here; on the
        // Gateway API its lane Services are rendered by its own routing
        lanes: m.lanes.map(l => (!laneHolds(l, entry.name) ? { name: l.name, servedBy: m.baseline }
          : m.target === Target.GATEWAY_API ? { name: l.name, serviceName: `${entry.name}-${l.name}` } : { name: l.name })),
        baseline: m.baseline,
        rules: i.rules,
        defaultRouteName: i.defaultRouteName,
        gateway: { gateways: [i.gateway], hosts: i.hosts, namespace: i.namespace, name: i.name ?? `${m.name}-ingress` },
      }));
    }

    if (m.target === Target.ASM) {
      this.swimLaneGroup = this.clusterScoped(new lanes.AsmSwimLaneGroup(this, 'SwimLaneGroup', {
        metadata: { name: m.name },
        spec: Lazy.any({ produce: () => renderSwimLaneGroupSpec(this.model, props.ingress?.gateway) }),
      }));
      // the baggage scenario: ASM re-attaches the routing header from the baggage context, in every namespace of the group
      if (m.propagation?.kind === PropagationKind.BAGGAGE) {
        for (const namespace of [...new Set(m.services.map(s => s.namespace))]) {
          this.headerPropagations.push(new lanes.AsmHeaderPropagation(this, `HeaderPropagation-${namespace}`, {
            metadata: { name: `${m.name}-lanes`, namespace },
            spec: { headers: [m.routingHeader] },
          }));
        }
      }
      for (const l of m.lanes) {
        this.swimLanes.push(this.clusterScoped(new lanes.AsmSwimLane(this, `SwimLane-${l.name}`, {
          metadata: { name: l.name, labels: { 'swimlane-group': m.name } },
          spec: Lazy.any({ produce: () => renderSwimLaneSpec(this.model, l.name) }),
        })));
      }
    }
    // the app-wide checks read the lane resources as ASM does (the routing it generates is modelled)
    registerReadOptions(this, { clusterDomain: m.clusterDomain, asmGeneratedNamespace: m.asmGeneratedNamespace });
    if (m.target === Target.GATEWAY_API) {
      // each service is a LaneRouting of its own (its lane model, lane Services and mesh HTTPRoute)
      for (const s of m.services) this.serviceRoutings.set(s.name, new LaneRouting(this, `Service-${s.name}`, serviceRoutingProps(m, s)));
      return;
    }
    for (const s of m.services) {
      this.serviceModels.set(s.name, normalize(this.serviceContext(s.name), serviceRoutingProps(m, s)));
    }
    if (m.target === Target.ASM) {
      if (m.routeOptions?.timeout || m.routeOptions?.retries) m.services.forEach(s => this.delegateRoot(s));
    } else {
      for (const s of m.services) {
        const metadata = { name: serviceObjectName(m, s), namespace: s.namespace };
        const key = () => [this.serviceModels.get(s.name)];
        this.destinationRules.push(rendered(istio.DestinationRule, this, `DestinationRule-${s.name}`, metadata, key,
          () => renderDestinationRuleSpec(this.serviceModels.get(s.name)!)));
        this.sidecarVirtualServices.push(rendered(istio.VirtualService, this, `SidecarVirtualService-${s.name}`, metadata, key,
          () => applyChecked(this.serviceContext(s.name), 'sidecar VirtualService', renderSidecarSpec(this.serviceModels.get(s.name)!))));
      }
    }
  }

  /** Names of the services, in call order. */
  public get serviceNames(): string[] {
    return this.model.services.map(s => s.name);
  }

  /**
   * Adds an ingress rule (after the existing ones, before the default route).
   * @param rule the rule
   */
  public addRule(rule: LaneRule): void {
    checkShape(this.model.context, 'rule', SHAPES.LaneRule, rule);
    if (!this.ingress) throw new Error(`${this.model.context}: addRule() needs an ingress entry point; set ingress in the props`);
    this.asGroup(() => this.ingress!.addRule(rule));
  }

  /**
   * Adds a hand-written route to one service's per-service VirtualService: before the lane routes, or
   * after them (before the default route). With Target.ASM only BEFORE_LANE_RULES is possible: the route
   * that delegates to ASM's VirtualService takes every request that reaches it.
   * @param service the name of the service whose VirtualService gets the route
   * @param route the route: matches, destinations, timeout and retries
   * @param placement before the lane routes, or after them (Target.ISTIO only)
   */
  public addCustomRoute(service: string, route: CustomRoute, placement: RoutePlacement): void {
    checkShape(this.model.context, 'service', SHAPES.Text, service);
    checkShape(this.model.context, 'route', SHAPES.CustomRoute, route);
    checkShape(this.model.context, 'placement', SHAPES.RoutePlacement, placement);
    const svc = this.service(service);
    const context = this.serviceContext(service);
    if (this.model.target === Target.GATEWAY_API) {
      this.serviceRoutings.get(service)!.addCustomRoute(route, placement);
      return;
    }
    if (this.model.target === Target.ISTIO) {
      this.serviceModels.set(service, addCustomRoute(this.serviceModels.get(service)!, route, placement));
      return;
    }
    if (placement === RoutePlacement.AFTER_LANE_RULES) {
      throw new Error(`${context}: custom route ${show(route.name)}: with Target.ASM a route can only go before the lane routes (the route that delegates to ASM's VirtualService takes every request that reaches it)`);
    }
    if (route.name === DELEGATE_ROUTE_NAME) {
      throw new Error(`${context}: custom route ${show(route.name)}: the name is used by the route that delegates to ASM's VirtualService; choose another`);
    }
    this.serviceModels.set(service, addCustomRoute(this.serviceModels.get(service)!, route, placement));
    this.delegateRoot(svc);
  }

  /**
   * A simulator over the objects this group synthesizes, with the routing ASM generates for it modelled
   * (Target.ASM): for `explain()`, `diagram()` and chains of your own.
   */
  public simulator(): LaneSimulator {
    return LaneSimulator.fromConstruct(this, { clusterDomain: this.model.clusterDomain, asmGeneratedNamespace: this.model.asmGeneratedNamespace });
  }

  /**
   * Follows a request along the group's call chain, from where it enters to the last service: through the
   * ingress (the default when there is one) to the entry service, or at any service's sidecar (`host`, e.g.
   * `mockb`). Every later call carries the routing header (permissive) or leaves from the lane's pods
   * (strict). It simulates exactly the objects this group synthesizes; with Target.ASM the per-service
   * routing ASM generates is modelled from the lane resources.
   *
   * @param request the request
   * @param options unhealthy lanes, routing header, and where the request enters
   */
  public simulate(request: SimulatedRequest, options: SimulationOptions = {}): ChainPathResult[] {
    const m = this.model;
    checkShape(m.context, 'request', SHAPES.SimulatedRequest, request);
    checkShape(m.context, 'options', SHAPES.SimulationOptions, options);
    let first: GroupService;
    if (options.host !== undefined) {
      // by host, else by name (a service's name never has a dot, its host always does)
      first = m.services.find(s => s.host === options.host) ?? this.service(options.host);
    } else if (this.ingress) {
      first = this.service(this.ingress.host.split('.')[0]);
    } else {
      first = m.services[0];
    }
    const chain = m.services.slice(m.services.indexOf(first)).map(s => s.host);
    // without an ingress the request enters at the first service's sidecar, even when the group holds another
    // gateway-bound VirtualService; a host in the options takes over (it is spread last)
    const entry = options.gateway === undefined && !this.ingress ? { host: first.host } : {};
    try {
      return this.simulator().simulateChain(chain, request, { ...entry, ...markerOptions(m), ...options });
    } catch (e) {
      throw new Error(`${m.context}: ${(e as Error).message}`);
    }
  }

  /**
   * Forks each service's baseline workload into the lanes that hold it, and checks at synth what only the
   * synthesized baselines and the clock tell: selectors that would select the forks' pods, expired lanes.
   */
  private forkWorkloads(props: LaneGroupProps): void {
    const context = this.model.context;
    const plan = planWorkloads(this.model, props);
    const baselines = props.services.flatMap((s, i) => {
      if (s.workload === undefined) return [];
      const baseline = workloadObject(`${context}: services[${i}].workload`, s.workload, s.namespace);
      this.workloads.push(...forkWorkload(this, baseline, s.name, plan));
      return [{ service: s.name, baseline }];
    });
    // each warning once (cdk8s validates an app more than once per synth)
    const warned = new Set<string>();
    this.node.addValidation({
      validate: () => {
        const { errors, warnings } = expiryFindings(context, plan);
        for (const w of warnings.filter(x => !warned.has(x))) {
          warned.add(w);
          process.emitWarning(w, { code: 'CDK8S_LANES_EXPIRY' });
        }
        return [...errors, ...baselines.flatMap(b => {
          const where = `${context}: service ${show(b.service)}`;
          let manifest: unknown;
          try {
            manifest = b.baseline.toJson();
          } catch (e) {
            // the baseline lane's labels are patched onto its pod template's labels, which must be there
            return [`${where}: ${b.baseline.kind} ${show(b.baseline.node.path)} cannot take the baseline lane's labels on spec.template.metadata.labels (${(e as Error).message}); give its pod template labels`];
          }
          return baselineProblems(where, manifest, b.service, plan);
        })];
      },
    });
  }

  private serviceContext(service: string): string {
    return `${this.model.context}: service ${show(service)}`;
  }

  private service(name: string): GroupService {
    const s = this.model.services.find(x => x.name === name);
    if (!s) throw new Error(`${this.model.context}: ${show(name)} is not a service of the group (services: ${list(this.serviceNames)})`);
    return s;
  }

  /** The root VirtualService delegating to ASM's for `svc`, created once. */
  private delegateRoot(svc: GroupService): void {
    const id = delegateId(svc);
    if (this.node.tryFindChild(id)) return;
    this.sidecarVirtualServices.push(rendered(asm.VirtualService, this, id, { name: serviceObjectName(this.model, svc), namespace: svc.namespace },
      () => [this.model, this.serviceModels.get(svc.name)],
      () => applyChecked(this.serviceContext(svc.name), 'delegating root VirtualService', renderDelegatingRootSpec(this.model, svc, this.serviceModels.get(svc.name)!))));
  }

  /**
   * Runs `f` on the ingress routing, whose errors then name this group (what the user wrote) and the ingress, not the
   * LaneRouting inside it.
   */
  private asGroup<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      throw new Error((e as Error).message.replace(`LaneRouting "${this.node.path}/Ingress": `, `LaneGroup "${this.node.path}": ingress `));
    }
  }

  /** ASM's lane resources are cluster-scoped: no namespace, even in a chart that has one. */
  private clusterScoped(obj: ApiObject): ApiObject {
    // Stryker disable next-line ConditionalExpression: without a chart namespace the object has no /metadata/namespace, and removing an absent key is a no-op
    if (Chart.of(this).namespace !== undefined) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    return obj;
  }
}

/** An object whose spec this library renders at synth time, registered for the app-wide checks. */
function rendered(
  kind: new (scope: Construct, id: string, props: { metadata: ApiObjectMetadata; spec: any }) => ApiObject,
  scope: Construct, id: string, metadata: ApiObjectMetadata, key: () => readonly unknown[], produce: () => unknown,
): ApiObject {
  const spec = renderedOnce(key, produce);
  const obj = new kind(scope, id, { metadata, spec: Lazy.any({ produce: spec }) });
  registerRendered(obj, spec);
  return obj;
}
