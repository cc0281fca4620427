import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { LaneRoutingProps } from './lane-routing-props';
import { LaneSimulator } from './lane-simulator';
import * as asm from '../imports/asm-networking.istio.io';
import * as gw from '../imports/gateway-api-gateway.networking.k8s.io';
import * as istio from '../imports/istio-networking.istio.io';
import * as k8s from '../imports/k8s';
import { registerRendered, renderedOnce } from './private/analysis/synth-runner';
import { checkGatewayApi } from './private/model/gateway-api';
import { checkRuleOnSidecar, markerOptions } from './private/model/marker';
import { normalize } from './private/model/normalize';
import { addCustomRoute, addRule } from './private/model/routes';
import { LaneModel, ObjectPlacement } from './private/model/types';
import { renderIngressRoute, renderLaneServices, renderMeshRoute, renderReferenceGrants } from './private/render/gateway-api';
import { renderDestinationRuleSpec, renderGatewaySpec, renderSidecarSpec } from './private/render/lane-routing';
import { checkShape } from './private/validation/shape';
import { SHAPES } from './private/validation/shapes';
import { applyChecked } from './private/validation/size';
import { CustomRoute, RoutePlacement } from './route';
import { LaneRule } from './rule';
import { SimulatedRequest, SimulationOptions, SimulationResult } from './simulation';
import { Target } from './target';

/**
 * Routes one service's requests between traffic lanes: renders the ingress-gateway VirtualService and/or
 * the sidecar VirtualService with identical rules (rules in order, default route to the baseline last),
 * and a DestinationRule for the lanes that have pod labels. On `Target.GATEWAY_API`: an ingress HTTPRoute
 * and/or a mesh HTTPRoute with the same rules, and a Service per lane.
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
  /** Target.GATEWAY_API: the ingress HTTPRoute, bound to the Gateways (escape hatch), when `gateway` is set. */
  public readonly gatewayHttpRoute?: ApiObject;
  /** Target.GATEWAY_API: the mesh HTTPRoute, bound to the Service (escape hatch), when `sidecar` is set. */
  public readonly meshHttpRoute?: ApiObject;
  /** Target.GATEWAY_API: the Service of each lane that has pod labels, in lane order. */
  public readonly laneServices: ApiObject[] = [];
  /** Target.GATEWAY_API: the ReferenceGrants for backends in another namespace than their route. */
  public readonly referenceGrants: ApiObject[] = [];

  private model: LaneModel;

  /**
   * @param scope the parent construct, usually a Chart
   * @param id the construct id, unique among its siblings
   * @param props the lanes, rules, target and entry points
   */
  constructor(scope: Construct, id: string, props: LaneRoutingProps) {
    super(scope, id);
    const context = `LaneRouting "${this.node.path}"`;
    checkShape(context, 'props', SHAPES.LaneRoutingProps, props);
    this.model = normalize(context, props);
    const m = this.model;
    if (m.target === Target.GATEWAY_API) {
      for (const s of renderLaneServices(m)) {
        this.laneServices.push(new k8s.KubeService(this, `LaneService-${s.name}`, { metadata: { name: s.name, namespace: s.namespace }, spec: s.spec }));
      }
      if (m.gateway) this.gatewayHttpRoute = this.createRoute('GatewayHttpRoute', m.gateway, () => applyChecked(context, 'ingress HTTPRoute', renderIngressRoute(this.model)));
      if (m.sidecar) this.meshHttpRoute = this.createRoute('MeshHttpRoute', m.sidecar, () => applyChecked(context, 'mesh HTTPRoute', renderMeshRoute(this.model)));
      for (const g of renderReferenceGrants(m)) {
        this.referenceGrants.push(new gw.ReferenceGrant(this, `ReferenceGrant-${g.namespace}`, { metadata: { namespace: g.namespace }, spec: g.spec }));
      }
      return;
    }
    if (m.gateway) {
      this.gatewayVirtualService = this.create('GatewayVirtualService', 'VirtualService', m.gateway, () => applyChecked(context, 'gateway VirtualService', renderGatewaySpec(this.model)));
    }
    if (m.sidecar) {
      this.sidecarVirtualService = this.create('SidecarVirtualService', 'VirtualService', m.sidecar, () => applyChecked(context, 'sidecar VirtualService', renderSidecarSpec(this.model)));
    }
    if (m.destinationRule) {
      this.destinationRule = this.create('DestinationRule', 'DestinationRule', m.destinationRule, () => applyChecked(context, 'DestinationRule', renderDestinationRuleSpec(this.model)));
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
   * A simulator over the objects this routing synthesizes (as they are now, after every `addRule()`): for
   * `explain()`, `diagram()` and chain simulations.
   */
  public simulator(): LaneSimulator {
    return LaneSimulator.fromConstruct(this);
  }

  /**
   * Where a request goes: the rule that matches, the lane probabilities (weights, then fallbacks for
   * unhealthy lanes) and the lane marker the next hop sees. It simulates exactly the objects this routing
   * synthesizes, its DestinationRule included.
   *
   * @param request the request
   * @param options unhealthy lanes, and the entry point (the gateway VirtualService unless there is none;
   * `host` for the sidecar VirtualService)
   */
  public simulate(request: SimulatedRequest, options: SimulationOptions = {}): SimulationResult {
    checkShape(this.model.context, 'request', SHAPES.SimulatedRequest, request);
    checkShape(this.model.context, 'options', SHAPES.SimulationOptions, options);
    try {
      return this.simulator().simulate(request, { ...markerOptions(this.model), ...options });
    } catch (e) {
      throw new Error(`${this.model.context}: ${(e as Error).message}`);
    }
  }

  /**
   * Creates one generated object of the target's API version. The spec is rendered at synth time from
   * the model as it is then (after every `addRule()`).
   */
  private create(id: string, kind: 'VirtualService' | 'DestinationRule', placement: ObjectPlacement, produce: () => unknown): ApiObject {
    // the name only when it is set: an explicit `name: undefined` would stop cdk8s from generating a name; an
    // undefined namespace is the chart's (cdk8s takes `metadata.namespace ?? chart.namespace`)
    const metadata = {
      ...(placement.name !== undefined ? { name: placement.name } : {}),
      namespace: placement.namespace,
    };
    const spec = renderedOnce(() => [this.model], produce);
    const props = { metadata, spec: Lazy.any({ produce: spec }) };
    const classes = this.model.target === Target.ASM ? asm : istio;
    const obj = new classes[kind](this, id, props);
    registerRendered(obj, spec);
    return obj;
  }

  /**
   * Appends a rule after the existing ones (still before the default route). Checked at once, like the
   * rules given in props.
   * @param rule the rule
   */
  public addRule(rule: LaneRule): void {
    checkShape(this.model.context, 'rule', SHAPES.LaneRule, rule);
    checkRuleOnSidecar(this.model.context, this.model.propagation, this.model.sidecar !== undefined, rule.name, this.model.target);
    this.update(addRule(this.model, rule));
  }

  /** Takes a changed model, checked for the target (the Gateway API's order, limits and grants). */
  private update(model: LaneModel): void {
    checkGatewayApi(model);
    if (model.target === Target.GATEWAY_API) {
      const before = renderReferenceGrants(this.model).map(g => JSON.stringify(g)).join();
      if (renderReferenceGrants(model).map(g => JSON.stringify(g)).join() !== before) {
        throw new Error(`${model.context}: this route sends requests to a namespace the ReferenceGrants rendered from the props do not cover; give cross-namespace custom routes in props (routesBefore, routesAfter)`);
      }
    }
    this.model = model;
  }

  /** An HTTPRoute whose spec is rendered at synth time from the model as it is then. */
  private createRoute(id: string, placement: ObjectPlacement, produce: () => unknown): ApiObject {
    // as in create(): the name only when it is set, the namespace undefined for the chart's
    const metadata = {
      ...(placement.name !== undefined ? { name: placement.name } : {}),
      namespace: placement.namespace,
    };
    const spec = renderedOnce(() => [this.model], produce);
    const obj = new gw.HttpRoute(this, id, { metadata, spec: Lazy.any({ produce: spec }) });
    registerRendered(obj, spec);
    return obj;
  }

  /**
   * Adds a hand-written route before the lane rules or after them (still before the default route).
   * Checked at once.
   * @param route the route: matches, destinations, timeout and retries
   * @param placement before the lane rules, or after them
   */
  public addCustomRoute(route: CustomRoute, placement: RoutePlacement): void {
    checkShape(this.model.context, 'route', SHAPES.CustomRoute, route);
    checkShape(this.model.context, 'placement', SHAPES.RoutePlacement, placement);
    this.update(addCustomRoute(this.model, route, placement));
  }
}
