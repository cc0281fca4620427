/**
 * The lane model: LaneRouting props normalized, checked and with every default resolved. Every construct
 * builds its routing with it (a lane group: one per service), and the simulator models ASM's generated
 * routing with it. Types are in types.ts, route normalization in routes.ts.
 */
import { checkGatewayApi, normalizeLaneServices } from './gateway-api';
import { checkRuleOnSidecar, inBaggage, laneMarkerMatch, normalizePropagation } from './marker';
import { addCustomRoute, addRule, checkRuleName, noDuplicates, normalizeRouteOptions, releaseRouteIndex } from './routes';
import {
  DEFAULT_ROUTE_NAME, DEFAULT_ROUTING_HEADER, GatewayModel, LaneModel, ModelLane, ObjectPlacement, SidecarModel,
} from './types';
import { LaneRoutingProps } from '../../lane-routing-props';
import { Mode } from '../../mode';
import { RoutePlacement } from '../../route';
import { Target } from '../../target';
import {
  checkDnsLabel, checkGatewayRef, checkHeaderName, checkHeaderValue, checkLabel,
  checkPort, checkQualifiedHost, checkVirtualServiceHost, list, show,
} from '../validation/values';

/** `<service>.<namespace>.svc[.<domain>]` → namespace */
export function serviceNamespace(host: string): string | undefined {
  const m = /^[a-z0-9-]+\.([a-z0-9-]+)\.svc(\.|$)/.exec(host);
  return m ? m[1] : undefined;
}

function checkObjectName(what: string, value: string | undefined): void {
  if (value === undefined) return;
  const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
  if (typeof value !== 'string' || value.length > 253 || !subdomain.test(value)) {
    throw new Error(`${what} must be a Kubernetes object name (lowercase DNS-1123 subdomain, at most 253 characters), got ${show(value)}`);
  }
}

/** Normalizes and checks LaneRouting props (rules included). */
export function normalize(context: string, props: LaneRoutingProps): LaneModel {
  if (!props || typeof props !== 'object') throw new Error(`${context}: props are required`);
  checkQualifiedHost(`${context}: host`, props.host);
  if (props.port !== undefined) checkPort(`${context}: port`, props.port);
  if (!Object.values(Target).includes(props.target)) {
    throw new Error(`${context}: target must be Target.ASM, Target.ISTIO or Target.GATEWAY_API, got ${show(props.target)}`);
  }
  const mode = props.mode ?? Mode.PERMISSIVE;
  if (!Object.values(Mode).includes(mode)) {
    throw new Error(`${context}: mode must be Mode.PERMISSIVE or Mode.STRICT, got ${show(mode)}`);
  }

  if (!Array.isArray(props.lanes) || props.lanes.length === 0) {
    throw new Error(`${context}: lanes must list at least one lane (the baseline)`);
  }
  const lanes: ModelLane[] = props.lanes.map((l, i) => {
    checkDnsLabel(`${context}: lane ${i + 1} name`, l?.name);
    if (l.podLabels !== undefined) {
      const entries = Object.entries(l.podLabels);
      if (entries.length === 0) {
        throw new Error(`${context}: lane ${show(l.name)} podLabels is empty, which would select every pod; give the labels of the lane's workloads (e.g. { version: 'v2' }) or omit podLabels`);
      }
      for (const [k, v] of entries) checkLabel(`${context}: lane ${show(l.name)} podLabels`, k, v);
    }
    return { name: l.name, podLabels: l.podLabels ? { ...l.podLabels } : undefined, servedBy: l.servedBy, serviceName: l.serviceName };
  });
  noDuplicates(`${context}: lanes`, lanes.map(l => l.name));
  const names = lanes.map(l => l.name);
  for (const l of lanes) {
    if (l.servedBy === undefined) continue;
    const served = lanes.find(x => x.name === l.servedBy);
    const where = `${context}: lane ${show(l.name)} servedBy`;
    if (!served) throw new Error(`${where} ${show(l.servedBy)} is not a lane (lanes: ${list(names)})`);
    if (served === l) throw new Error(`${where} names the lane itself; omit servedBy for a lane with its own subset`);
    if (served.servedBy !== undefined) {
      throw new Error(`${where} ${show(l.servedBy)} is itself served by ${show(served.servedBy)}; name ${show(served.servedBy)} directly`);
    }
    if (l.podLabels) {
      throw new Error(`${context}: lane ${show(l.name)} has podLabels and servedBy; a lane served by another lane's subset has no workloads of its own`);
    }
  }
  if (!names.includes(props.baseline)) {
    throw new Error(`${context}: baseline ${show(props.baseline)} is not a lane (lanes: ${list(names)})`);
  }

  const routingHeader = props.routingHeader ?? DEFAULT_ROUTING_HEADER;
  checkHeaderName(`${context}: routingHeader`, routingHeader);
  if (routingHeader === 'host') {
    throw new Error(`${context}: routingHeader "host" would rewrite the request's authority; choose a dedicated header such as "${DEFAULT_ROUTING_HEADER}"`);
  }
  // Stryker disable next-line StringLiteral: lane names are DNS labels (checked above), which never fail checkHeaderValue: the message cannot show
  for (const l of names) checkHeaderValue(`${context}: lane name used as ${routingHeader} value`, l);
  const propagation = normalizePropagation(context, {
    target: props.target, mode, routingHeader, routingHeaderGiven: props.routingHeader !== undefined, propagation: props.propagation, group: false,
  });

  const defaultRouteName = props.defaultRouteName ?? DEFAULT_ROUTE_NAME;
  checkRuleName(`${context}: defaultRouteName`, defaultRouteName);

  if (!props.gateway && !props.sidecar) {
    throw new Error(`${context}: no entry point; set gateway (ingress-gateway VirtualService), sidecar (mesh VirtualService) or both`);
  }
  const svcNamespace = serviceNamespace(props.host);

  let gateway: GatewayModel | undefined;
  if (props.gateway) {
    const g = props.gateway;
    const where = `${context}: gateway`;
    if (!Array.isArray(g.gateways) || g.gateways.length === 0) {
      throw new Error(`${where}.gateways must list at least one gateway as "namespace/name", e.g. "istio-system/ingressgateway"`);
    }
    g.gateways.forEach((ref, i) => checkGatewayRef(`${where}.gateways[${i}]`, ref));
    noDuplicates(`${where}.gateways`, g.gateways);
    const hosts = g.hosts ?? ['*'];
    if (hosts.length === 0) throw new Error(`${where}.hosts must list at least one host (omit it for ["*"])`);
    hosts.forEach((h, i) => checkVirtualServiceHost(`${where}.hosts[${i}]`, h, true));
    noDuplicates(`${where}.hosts`, hosts);
    const namespace = g.namespace ?? g.gateways[0].split('/')[0];
    checkDnsLabel(`${where}.namespace`, namespace);
    checkObjectName(`${where}.name`, g.name);
    gateway = { gateways: [...g.gateways], hosts: [...hosts], namespace, name: g.name };
  }

  let sidecar: SidecarModel | undefined;
  if (props.sidecar) {
    const s = props.sidecar;
    const where = `${context}: sidecar`;
    const hosts = s.hosts ?? [props.host];
    if (hosts.length === 0) throw new Error(`${where}.hosts must list at least one host (omit it for the service host)`);
    hosts.forEach((h, i) => checkVirtualServiceHost(`${where}.hosts[${i}]`, h, false));
    noDuplicates(`${where}.hosts`, hosts);
    const namespace = s.namespace ?? svcNamespace;
    if (namespace !== undefined) checkDnsLabel(`${where}.namespace`, namespace);
    checkObjectName(`${where}.name`, s.name);
    sidecar = { hosts: [...hosts], namespace, name: s.name };
  }

  let destinationRule: ObjectPlacement | undefined;
  // on the Gateway API each lane is a Service, and there is no DestinationRule (checkGatewayApi says so)
  const labelled = props.target !== Target.GATEWAY_API && lanes.some(l => l.podLabels);
  if (props.destinationRule && !labelled && props.target !== Target.GATEWAY_API) {
    throw new Error(`${context}: destinationRule is set but no lane has podLabels, so it would have no subset; give the lanes podLabels or omit destinationRule`);
  }
  if (labelled) {
    // the DestinationRule rendered here defines the host's subsets: a lane without one would have no endpoints
    const orphan = lanes.find(l => !l.podLabels && l.servedBy === undefined);
    if (orphan) {
      throw new Error(`${context}: lane ${show(orphan.name)} has no podLabels, but the DestinationRule rendered for the lanes that have them defines the host's subsets, so subset ${show(orphan.name)} would have no endpoints (503); give it podLabels, or servedBy another lane`);
    }
    const d = props.destinationRule ?? {};
    const namespace = d.namespace ?? svcNamespace;
    if (namespace !== undefined) checkDnsLabel(`${context}: destinationRule.namespace`, namespace);
    checkObjectName(`${context}: destinationRule.name`, d.name);
    destinationRule = { namespace, name: d.name };
  }

  let model: LaneModel = {
    routesBefore: [],
    routesAfter: [],
    routeOptions: normalizeRouteOptions(`${context}: routeOptions`, props.routeOptions),
    context,
    host: props.host,
    port: props.port,
    lanes,
    baseline: props.baseline,
    routingHeader,
    propagation,
    mode,
    target: props.target,
    rules: [],
    defaultRoute: { name: defaultRouteName, matches: [], split: [{ lane: props.baseline, weight: 100 }] },
    gateway,
    sidecar,
    destinationRule: props.target === Target.GATEWAY_API && props.destinationRule ? {} : destinationRule,
    laneServices: normalizeLaneServices(context, props.target, props.laneServices, lanes),
  };
  // the lane in baggage: a request that arrives with a lane entry keeps its lane, before any other rule
  const entries = inBaggage(propagation)
    ? names.map(l => ({ name: `lane-${l}`, matches: [{ headers: [laneMarkerMatch(propagation, routingHeader, l)] }], split: [{ lane: l }] }))
    : [];
  for (const rule of props.rules ?? []) checkRuleOnSidecar(context, propagation, sidecar !== undefined, rule?.name, props.target);
  for (const rule of [...entries, ...props.rules ?? []]) model = addRule(model, rule);
  // Stryker disable next-line ConditionalExpression: without entries the map copies every rule unchanged
  if (entries.length) model = { ...model, rules: model.rules.map((r, i) => (i < entries.length ? { ...r, keepsMarker: true } : r)) };
  for (const route of props.routesBefore ?? []) model = addCustomRoute(model, route, RoutePlacement.BEFORE_LANE_RULES);
  for (const route of props.routesAfter ?? []) model = addCustomRoute(model, route, RoutePlacement.AFTER_LANE_RULES);
  checkGatewayApi(model);
  releaseRouteIndex(model);
  return model;
}
