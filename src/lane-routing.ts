import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { DestinationRuleOptions, GatewayEntryPoint, SidecarEntryPoint } from './entry-point';
import { Lane } from './lane';
import { Mode } from './mode';
import { registerMeshVirtualService, registry } from './private/app-checks';
import { addRule, LaneModel, normalize, ObjectPlacement } from './private/model';
import { renderDestinationRuleSpec, renderGatewaySpec, renderSidecarSpec } from './private/render';
import { LaneRule } from './rule';
import { Target } from './target';
import * as asm from '../imports/asm-networking.istio.io';
import * as istio from '../imports/istio-networking.istio.io';

/**
 * Props of a LaneRouting.
 */
export interface LaneRoutingProps {
  /**
   * The service host the lanes belong to, fully qualified, e.g. `mocka.default.svc.cluster.local`.
   * Every destination and subset uses it.
   */
  readonly host: string;

  /**
   * Port of the service, set on every destination (needed when the service exposes several ports).
   *
   * @default - no port on the destinations
   */
  readonly port?: number;

  /**
   * The lanes, baseline included.
   */
  readonly lanes: Lane[];

  /**
   * Name of the baseline lane: the default route sends every request that matches no rule there.
   */
  readonly baseline: string;

  /**
   * The mesh the resources are for. ASM renders `networking.istio.io/v1beta1` and may carry `fallback`;
   * ISTIO renders `networking.istio.io/v1` and never carries an ASM-only field.
   */
  readonly target: Target;

  /**
   * Permissive: every destination sets the routing header to its lane. Strict: subsets only.
   *
   * @default Mode.PERMISSIVE
   */
  readonly mode?: Mode;

  /**
   * Request header that pins a request to its lane for the rest of the trace; its value is the lane name.
   * In ASM's custom-header scenario, the header the applications propagate (e.g. `my-trace-id`).
   *
   * @default 'x-asm-prefer-tag'
   */
  readonly routingHeader?: string;

  /**
   * Routing rules in order (first match wins). More can be added with `addRule()`.
   *
   * @default - no rules: every request goes to the baseline
   */
  readonly rules?: LaneRule[];

  /**
   * Name of the default route (the catch-all to the baseline, always last).
   *
   * @default 'base-route'
   */
  readonly defaultRouteName?: string;

  /**
   * Render a VirtualService bound to the ingress gateway(s).
   *
   * @default - no gateway VirtualService
   */
  readonly gateway?: GatewayEntryPoint;

  /**
   * Render a sidecar (mesh) VirtualService for the service host.
   *
   * @default - no sidecar VirtualService
   */
  readonly sidecar?: SidecarEntryPoint;

  /**
   * Placement of the DestinationRule, rendered when at least one lane has `podLabels`.
   *
   * @default - in the service's namespace, with a generated name
   */
  readonly destinationRule?: DestinationRuleOptions;
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

  /** Names of the routes in the order they are rendered: the rules, then the default route. */
  public get routeNames(): string[] {
    return [...this.model.rules, this.model.defaultRoute].map(r => r.name);
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
}
