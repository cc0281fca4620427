import { ApiObject, Chart, JsonPatch, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { LaneGroupProps } from './lane-group-props';
import { LaneRouting } from './lane-routing';
import * as lanes from '../imports/asm-lanes-istio.alibabacloud.com';
import * as asm from '../imports/asm-networking.istio.io';
import * as istio from '../imports/istio-networking.istio.io';
import { registerAsmGeneratedHosts, registerDestinationRule, registerMeshVirtualService } from './private/app-checks';
import { show } from './private/checks';
import { GroupModel, GroupService, laneHolds, normalizeGroup } from './private/group-model';
import {
  GROUP_DEFAULT_ROUTE, groupRouting, laneRouteName, renderDelegateSpec, renderGroupDestinationRule, renderGroupSidecarSpec,
  renderSwimLaneGroupSpec, renderSwimLaneSpec,
} from './private/group-render';
import { normalizeCustomRoute } from './private/model';
import { meshOf, simulatorFromMesh } from './private/simulator-internals';
import { CustomRoute, RoutePlacement } from './route';
import { LaneRule } from './rule';
import { ChainPathResult, LaneSimulator, SimulatedRequest, SimulationOptions } from './simulation';
import { Target } from './target';

/** The construct id of the root VirtualService that delegates to ASM's for `svc`. */
function delegateId(svc: GroupService): string {
  return `DelegateVirtualService-${svc.name}`;
}

/**
 * Options of `LaneGroup.simulate()`.
 */
export interface LaneGroupSimulationOptions extends SimulationOptions {
  /**
   * The call chain, as service names in call order.
   * @default - every service of the group, in the order given
   */
  readonly chain?: string[];
}

/**
 * Lanes across a call chain: the services (mocka → mockb → mockc), the lanes and the services each holds,
 * the baseline that serves what a lane does not hold, and the ingress rules that send requests into lanes.
 *
 * - `Target.ISTIO`: one DestinationRule (a subset per lane that holds the service) and one sidecar
 *   VirtualService per service (routing header → the lane's subset, or the baseline's when the lane does
 *   not hold the service; strict mode: the caller's lane labels). The applications must propagate the
 *   routing header (permissive mode).
 * - `Target.ASM`: the `ASMSwimLaneGroup` and one `ASMSwimLane` per lane; ASM generates the per-service
 *   DestinationRules and VirtualServices, so none are rendered here (they would collide). Per-service
 *   timeout, retries and custom routes go on a root VirtualService that delegates to ASM's.
 *
 * Both: the ingress-gateway VirtualService (a LaneRouting) for the entry service.
 */
export class LaneGroup extends Construct {
  /** The ingress entry point (escape hatch to its LaneRouting), when `ingress` is set. */
  public readonly ingress?: LaneRouting;
  /** The ASMSwimLaneGroup (Target.ASM). */
  public readonly swimLaneGroup?: ApiObject;
  /** One ASMSwimLane per lane (Target.ASM), in lane order. */
  public readonly swimLanes: ApiObject[] = [];
  /** One DestinationRule per service (Target.ISTIO), in service order. */
  public readonly destinationRules: ApiObject[] = [];
  /** Per-service sidecar VirtualServices (Target.ISTIO) or delegating root VirtualServices (Target.ASM). */
  public readonly sidecarVirtualServices: ApiObject[] = [];

  private model: GroupModel;

  constructor(scope: Construct, id: string, props: LaneGroupProps) {
    super(scope, id);
    this.model = normalizeGroup(`LaneGroup "${this.node.path}"`, props);
    const m = this.model;

    if (props.ingress) {
      const i = props.ingress;
      const entry = this.service(i.entryService);
      this.ingress = new LaneRouting(this, 'Ingress', {
        target: m.target,
        mode: m.mode,
        routingHeader: m.routingHeader,
        host: entry.host,
        port: entry.port,
        // the entry service's subsets are defined by the group (ISTIO) or by ASM: no pod labels here
        lanes: m.lanes.map(l => ({ name: l.name, servedBy: laneHolds(l, entry.name) ? undefined : m.baseline })),
        baseline: m.baseline,
        rules: i.rules,
        defaultRouteName: i.defaultRouteName,
        gateway: { gateways: [i.gateway], hosts: i.hosts, namespace: i.namespace, name: i.name ?? `${m.name}-ingress` },
      });
    }

    if (m.target === Target.ASM) {
      this.swimLaneGroup = this.clusterScoped(new lanes.AsmSwimLaneGroup(this, 'SwimLaneGroup', {
        metadata: { name: m.name },
        spec: Lazy.any({ produce: () => renderSwimLaneGroupSpec(this.model, props.ingress?.gateway) }),
      }));
      // ASM generates a DestinationRule and a sidecar VirtualService per service: nothing else may route these
      // hosts, except the roots that delegate to ASM's VirtualService (ASM then strips its hosts)
      registerAsmGeneratedHosts(this.swimLaneGroup, {
        ruleHosts: () => this.model.services.map(s => s.host),
        meshHosts: () => this.model.services.filter(s => !this.node.tryFindChild(delegateId(s))).map(s => s.host),
      });
      for (const l of m.lanes) {
        this.swimLanes.push(this.clusterScoped(new lanes.AsmSwimLane(this, `SwimLane-${l.name}`, {
          metadata: { name: l.name, labels: { 'swimlane-group': m.name } },
          spec: Lazy.any({ produce: () => renderSwimLaneSpec(this.model, l.name) }),
        })));
      }
      if (m.routeOptions.timeout || m.routeOptions.retries) m.services.forEach(s => this.delegateRoot(s));
    } else {
      for (const s of m.services) {
        const metadata = { name: `${m.name}-${s.name}`, namespace: s.namespace };
        const dr = new istio.DestinationRule(this, `DestinationRule-${s.name}`, {
          metadata, spec: Lazy.any({ produce: () => renderGroupDestinationRule(this.model, s) }),
        });
        registerDestinationRule(dr, s.host);
        this.destinationRules.push(dr);
        const vs = new istio.VirtualService(this, `SidecarVirtualService-${s.name}`, {
          metadata, spec: Lazy.any({ produce: () => renderGroupSidecarSpec(this.model, s) }),
        });
        registerMeshVirtualService(vs, [s.host]);
        this.sidecarVirtualServices.push(vs);
      }
    }
  }

  /** Names of the services, in call order. */
  public get serviceNames(): string[] {
    return this.model.services.map(s => s.name);
  }

  /** Adds an ingress rule (after the existing ones, before the default route). */
  public addRule(rule: LaneRule): void {
    if (!this.ingress) throw new Error(`${this.model.context}: addRule() needs an ingress entry point; set ingress in the props`);
    this.ingress.addRule(rule);
  }

  /**
   * Adds a hand-written route to one service's per-service VirtualService: before the lane routes, or
   * after them (before the default route). With Target.ASM only BEFORE_LANE_RULES is possible: the route
   * that delegates to ASM's VirtualService takes every request that reaches it.
   */
  public addCustomRoute(service: string, route: CustomRoute, placement: RoutePlacement): void {
    const svc = this.service(service);
    const m = this.model;
    const context = `${m.context}: service ${show(service)}`;
    const r = normalizeCustomRoute({ context, target: m.target }, route);
    const taken = [
      ...(m.target === Target.ASM ? ['lanes'] : [...m.lanes.filter(l => l.name !== m.baseline).map(l => laneRouteName(l.name)), GROUP_DEFAULT_ROUTE]),
      ...(m.routesBefore.get(service) ?? []).map(x => x.name),
      ...(m.routesAfter.get(service) ?? []).map(x => x.name),
    ];
    if (taken.includes(r.name)) {
      throw new Error(`${context}: custom route ${show(r.name)}: the name is already used in the service's VirtualService (${taken.join(', ')}); route names must be unique`);
    }
    const append = (map: ReadonlyMap<string, readonly any[]>) => new Map([...map, [service, [...(map.get(service) ?? []), r]]]);
    if (placement === RoutePlacement.BEFORE_LANE_RULES) {
      this.model = { ...m, routesBefore: append(m.routesBefore) };
    } else if (placement === RoutePlacement.AFTER_LANE_RULES) {
      if (m.target === Target.ASM) {
        throw new Error(`${context}: custom route ${show(r.name)}: with Target.ASM a route can only go before the lane routes (the route that delegates to ASM's VirtualService takes every request that reaches it)`);
      }
      this.model = { ...m, routesAfter: append(m.routesAfter) };
    } else {
      throw new Error(`${context}: placement must be RoutePlacement.BEFORE_LANE_RULES or AFTER_LANE_RULES, got ${show(placement)}`);
    }
    if (m.target === Target.ASM) this.delegateRoot(svc);
  }

  /**
   * Follows a request along the call chain: the ingress VirtualService picks the lane of the entry
   * service, and every later call carries the routing header (permissive) or leaves from the lane's pods
   * (strict) and is routed per service. With Target.ASM the per-service routing is ASM's, modelled as
   * the routes LaneGroup renders for upstream Istio (routing header → lane, baseline for services the
   * lane does not hold).
   */
  public simulate(request: SimulatedRequest, options: LaneGroupSimulationOptions = {}): ChainPathResult[] {
    if (!this.ingress) throw new Error(`${this.model.context}: simulate() needs an ingress entry point; set ingress in the props`);
    const m = this.model;
    const routing = groupRouting(m, m.target === Target.ISTIO ? 'VirtualService' : 'ASM lane routing of');
    const tables = [...meshOf(this.ingress.simulator()).tables, ...routing.tables];
    const subsets = routing.subsets;
    const chain = (options.chain ?? this.serviceNames).map(n => this.service(n).host);
    const simulation = { ...options, routingHeader: options.routingHeader ?? m.routingHeader };
    return simulatorFromMesh<LaneSimulator>({ tables, subsets }).simulateChain(chain, request, simulation);
  }

  private service(name: string): GroupService {
    const s = this.model.services.find(x => x.name === name);
    if (!s) throw new Error(`${this.model.context}: ${show(name)} is not a service of the group (services: ${this.serviceNames.join(', ')})`);
    return s;
  }

  /** The root VirtualService delegating to ASM's for `svc`, created once. */
  private delegateRoot(svc: GroupService): void {
    const id = delegateId(svc);
    if (this.node.tryFindChild(id)) return;
    const vs = new asm.VirtualService(this, id, {
      metadata: { name: `${this.model.name}-${svc.name}`, namespace: svc.namespace },
      spec: Lazy.any({ produce: () => renderDelegateSpec(this.model, svc) }),
    });
    registerMeshVirtualService(vs, [svc.host]);
    this.sidecarVirtualServices.push(vs);
  }

  /** ASM's lane resources are cluster-scoped: no namespace, even in a chart that has one. */
  private clusterScoped(obj: ApiObject): ApiObject {
    if (Chart.of(this).namespace !== undefined) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    return obj;
  }
}
