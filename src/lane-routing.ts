import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { EntryPoint } from './entry-point';
import { LaneRoutingProps } from './lane-routing-props';
import { registerDestinationRule, registerMeshVirtualService, registry } from './private/app-checks';
import { addCustomRoute, addRule, LaneModel, normalize, ObjectPlacement } from './private/model';
import { renderDestinationRuleSpec, renderGatewaySpec, renderSidecarSpec } from './private/render';
import { RouteTable, routeTable } from './private/route-table';
import { simulatorFromMesh } from './private/simulator-internals';
import { CustomRoute, RoutePlacement } from './route';
import { LaneRule } from './rule';
import { LaneSimulator, SimulatedRequest, SimulationOptions, SimulationResult } from './simulation';
import { Target } from './target';
import * as asm from '../imports/asm-networking.istio.io';
import * as istio from '../imports/istio-networking.istio.io';

/**
 * Options of `LaneRouting.simulate()`.
 */
export interface LaneRoutingSimulationOptions extends SimulationOptions {
  /**
   * The VirtualService the request enters through.
   * @default EntryPoint.GATEWAY when there is a gateway entry point, else EntryPoint.SIDECAR
   */
  readonly entryPoint?: EntryPoint;
}

/**
 * Routes one service's requests between traffic lanes: renders the ingress-gateway VirtualService and/or
 * the sidecar VirtualService with identical rules (rules in order, default route to the baseline last),
 * and a DestinationRule for the lanes that have pod labels.
 *
 * Every input is checked when it is given; a bad value throws an error naming the field and the value.
 */
export class LaneRouting extends Construct {
  /** The ingress-gateway VirtualService (escape hatch), when `gateway` is set. */
  public readonly gatewayVirtualService?: ApiObject;
  /** The sidecar (mesh) VirtualService (escape hatch), when `sidecar` is set. */
  public readonly sidecarVirtualService?: ApiObject;
  /** The DestinationRule (escape hatch), when at least one lane has pod labels. */
  public readonly destinationRule?: ApiObject;

  private model: LaneModel;
  private tables?: { model: LaneModel; byEntry: Map<EntryPoint, RouteTable | undefined> };

  constructor(scope: Construct, id: string, props: LaneRoutingProps) {
    super(scope, id);
    this.model = normalize(`LaneRouting "${this.node.path}"`, props);
    const m = this.model;
    if (m.gateway) {
      this.gatewayVirtualService = this.create('GatewayVirtualService', 'VirtualService', m.gateway, () => renderGatewaySpec(this.model));
    }
    if (m.sidecar) {
      this.sidecarVirtualService = this.create('SidecarVirtualService', 'VirtualService', m.sidecar, () => renderSidecarSpec(this.model));
      registerMeshVirtualService(this.sidecarVirtualService, m.sidecar.hosts);
    } else {
      registry(this);
    }
    if (m.destinationRule) {
      this.destinationRule = this.create('DestinationRule', 'DestinationRule', m.destinationRule, () => renderDestinationRuleSpec(this.model));
      registerDestinationRule(this.destinationRule, m.host);
    }
  }

  /** The service host. */
  public get host(): string {
    return this.model.host;
  }

  /** The baseline lane's name. */
  public get baseline(): string {
    return this.model.baseline;
  }

  /** The routing header set on each destination in permissive mode. */
  public get routingHeader(): string {
    return this.model.routingHeader;
  }

  /** Names of the lanes, in the order given. */
  public get laneNames(): string[] {
    return this.model.lanes.map(l => l.name);
  }

  /** Names of the routes in the order they are rendered: custom routes before, rules, custom routes after, the default route. */
  public get routeNames(): string[] {
    const m = this.model;
    return [...m.routesBefore, ...m.rules, ...m.routesAfter, m.defaultRoute].map(r => r.name);
  }

  /**
   * A simulator over the VirtualServices this routing renders (as they are now, after every `addRule()`),
   * with the subsets of its labelled lanes: for `explain()`, `diagram()` and chain simulations.
   */
  public simulator(): LaneSimulator {
    const m = this.model;
    const tables = [this.table(EntryPoint.GATEWAY), this.table(EntryPoint.SIDECAR)].filter((t): t is RouteTable => t !== undefined);
    // the subsets are known only when every lane has pod labels (others are defined elsewhere, e.g. by ASM)
    const known = m.lanes.every(l => l.podLabels);
    const subsets = new Map(known ? [[m.host, new Map(m.lanes.map(l => [l.name, { ...l.podLabels! }]))]] : []);
    return simulatorFromMesh<LaneSimulator>({ tables, subsets });
  }

  /**
   * Where a request goes: the rule that matches, the lane probabilities (weights, then fallbacks for
   * unhealthy lanes) and the routing header the next hop sees. It simulates exactly the VirtualService
   * this routing renders.
   *
   * @param request the request
   * @param options unhealthy lanes, and the entry point (the gateway VirtualService unless there is none)
   */
  public simulate(request: SimulatedRequest, options: LaneRoutingSimulationOptions = {}): SimulationResult {
    const entryPoint = options.entryPoint ?? (this.gatewayVirtualService ? EntryPoint.GATEWAY : EntryPoint.SIDECAR);
    const table = this.table(entryPoint);
    if (!table) {
      throw new Error(`LaneRouting "${this.node.path}": no ${entryPoint === EntryPoint.GATEWAY ? 'gateway' : 'sidecar'} entry point to simulate`);
    }
    return simulatorFromMesh<LaneSimulator>({ tables: [table], subsets: new Map() })
      .simulate(request, { ...options, routingHeader: options.routingHeader ?? this.model.routingHeader });
  }

  /**
   * The route table of one entry point, read from the spec the renderer produces for the current model
   * (cached per model: the model is immutable, and every change replaces it).
   */
  private table(entryPoint: EntryPoint): RouteTable | undefined {
    if (this.tables?.model !== this.model) this.tables = { model: this.model, byEntry: new Map() };
    const byEntry = this.tables.byEntry;
    if (!byEntry.has(entryPoint)) byEntry.set(entryPoint, this.readTable(entryPoint));
    return byEntry.get(entryPoint);
  }

  private readTable(entryPoint: EntryPoint): RouteTable | undefined {
    const gateway = entryPoint === EntryPoint.GATEWAY;
    const obj = gateway ? this.gatewayVirtualService : this.sidecarVirtualService;
    if (!obj) return undefined;
    const spec = gateway ? renderGatewaySpec(this.model) : renderSidecarSpec(this.model);
    const ns = obj.metadata.namespace;
    return routeTable(`VirtualService ${ns ? `${ns}/` : ''}${obj.name}`, { name: obj.name, namespace: ns }, spec);
  }

  /**
   * Creates one generated object of the target's API version. The spec is rendered at synth time from
   * the model as it is then (after every `addRule()`).
   */
  private create(id: string, kind: 'VirtualService' | 'DestinationRule', placement: ObjectPlacement, produce: () => unknown): ApiObject {
    // only the keys that are set: an explicit `name: undefined` would stop cdk8s from generating a name
    const metadata = {
      ...(placement.name !== undefined ? { name: placement.name } : {}),
      ...(placement.namespace !== undefined ? { namespace: placement.namespace } : {}),
    };
    const props = { metadata, spec: Lazy.any({ produce }) };
    const classes = this.model.target === Target.ASM ? asm : istio;
    return new classes[kind](this, id, props);
  }

  /**
   * Appends a rule after the existing ones (still before the default route). Checked at once, like the
   * rules given in props.
   */
  public addRule(rule: LaneRule): void {
    this.model = addRule(this.model, rule);
  }

  /**
   * Adds a hand-written route before the lane rules or after them (still before the default route).
   * Checked at once.
   */
  public addCustomRoute(route: CustomRoute, placement: RoutePlacement): void {
    this.model = addCustomRoute(this.model, route, placement);
  }
}
