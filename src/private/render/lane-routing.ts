/**
 * Pure renderers: lane model → VirtualService / DestinationRule specs, typed with the generated classes
 * (whose toJson silently drops keys it does not know, so every producer is typed).
 */
import * as asm from '../../../imports/asm-networking.istio.io';
import * as istio from '../../../imports/istio-networking.istio.io';
import { Target } from '../../target';
import { laneMarkerHeaders } from '../model/marker';
import { subsetOf } from '../model/routes';
import { CustomRouteModel, Destination, EntryPoint, LaneModel, MatchBlock, PlainStringMatch, RouteOptionsModel, Rule } from '../model/types';

function stringMatch(m: PlainStringMatch): asm.VirtualServiceSpecHttpMatchHeaders {
  switch (m.kind) {
    case 'exact': return { exact: m.value };
    case 'prefix': return { prefix: m.value };
    case 'regex': return { regex: m.value };
  }
}

export function renderMatch(block: MatchBlock): asm.VirtualServiceSpecHttpMatch {
  const headers: { [name: string]: asm.VirtualServiceSpecHttpMatchHeaders } = {};
  const withoutHeaders: { [name: string]: asm.VirtualServiceSpecHttpMatchWithoutHeaders } = {};
  for (const h of block.headers) {
    const m = h.match ? stringMatch(h.match) : {};
    if (h.absent) withoutHeaders[h.name] = m;
    else headers[h.name] = m;
  }
  const queryParams: { [name: string]: asm.VirtualServiceSpecHttpMatchQueryParams } = {};
  for (const q of block.queryParams) queryParams[q.name] = stringMatch(q.match);
  const some = <T extends object>(o: T) => (Object.keys(o).length ? o : undefined);
  return {
    sourceLabels: block.sourceLabels ? { ...block.sourceLabels } : undefined,
    headers: some(headers),
    withoutHeaders: some(withoutHeaders),
    uri: block.uri ? stringMatch(block.uri) : undefined,
    authority: block.authority ? stringMatch(block.authority) : undefined,
    method: block.method ? stringMatch(block.method) : undefined,
    queryParams: some(queryParams),
  };
}

/**
 * A lane destination: the lane's subset (or the one serving it), with the lane marker in permissive mode (the
 * routing header set to the lane, or the lane's baggage entry added at the gateway).
 */
function renderDestination(model: LaneModel, d: Destination, weighted: boolean, where: EntryPoint, marks: boolean): asm.VirtualServiceSpecHttpRoute {
  const port = model.port !== undefined ? { number: model.port } : undefined;
  const request = laneMarkerHeaders(model.propagation, model.routingHeader, d.lane, where, marks);
  return {
    destination: { host: model.host, subset: subsetOf(model, d.lane), port },
    weight: weighted ? d.weight : undefined,
    headers: request ? { request } : undefined,
    fallback: d.fallbackLane !== undefined ? { target: { host: model.host, subset: subsetOf(model, d.fallbackLane), port } } : undefined,
  };
}

/** Timeout and retries of a route. */
export function renderRouteOptions(o: RouteOptionsModel): Pick<asm.VirtualServiceSpecHttp, 'timeout' | 'retries'> {
  return {
    timeout: o.timeout,
    retries: o.retries ? { attempts: o.retries.attempts, perTryTimeout: o.retries.perTryTimeout, retryOn: o.retries.retryOn } : undefined,
  };
}

function renderRule(model: LaneModel, rule: Rule, where: EntryPoint): asm.VirtualServiceSpecHttp {
  return {
    name: rule.name,
    match: rule.matches.length ? rule.matches.map(renderMatch) : undefined,
    route: rule.split.map(d => renderDestination(model, d, rule.split.length > 1, where, !rule.keepsMarker)),
    ...renderRouteOptions(model.routeOptions),
  };
}

export function renderCustomRoute(route: CustomRouteModel): asm.VirtualServiceSpecHttp {
  const weighted = route.destinations.length > 1;
  return {
    name: route.name,
    match: route.matches.map(renderMatch),
    route: route.destinations.map(d => ({
      destination: { host: d.host, subset: d.subset, port: d.port !== undefined ? { number: d.port } : undefined },
      weight: weighted ? d.weight : undefined,
    })),
    ...renderRouteOptions(route.options),
  };
}

/**
 * The ordered HTTP routes shared by the gateway and sidecar VirtualServices: custom routes placed before
 * the lane rules, the lane rules, custom routes placed after them, then the default route.
 */
export function renderHttpRoutes(model: LaneModel, where: EntryPoint): asm.VirtualServiceSpecHttp[] {
  return [
    ...model.routesBefore.map(renderCustomRoute),
    ...model.rules.map(r => renderRule(model, r, where)),
    ...model.routesAfter.map(renderCustomRoute),
    renderRule(model, model.defaultRoute, where),
  ];
}

/**
 * Narrows ASM routes to upstream Istio's schema. The model never holds an ASM-only field for
 * Target.ISTIO; this is the last line of defence against a silent drop by the generated toJson.
 */
function toIstioRoutes(routes: asm.VirtualServiceSpecHttp[]): istio.VirtualServiceSpecHttp[] {
  return routes.map(r => ({
    ...r,
    route: r.route!.map(({ fallback, ...rest }) => {
      if (fallback !== undefined) {
        throw new Error(`route ${JSON.stringify(r.name)}: fallback is an ASM-only field and cannot be rendered for upstream Istio`);
      }
      return rest;
    }),
  }));
}

export type VirtualServiceSpec = asm.VirtualServiceSpec | istio.VirtualServiceSpec;

function virtualServiceSpec(model: LaneModel, gateways: readonly string[] | undefined, hosts: readonly string[]): VirtualServiceSpec {
  // Stryker disable next-line StringLiteral: the entry points are told apart by 'gateway' alone
  const http = renderHttpRoutes(model, gateways ? 'gateway' : 'sidecar');
  const base = { gateways: gateways ? [...gateways] : undefined, hosts: [...hosts] };
  return model.target === Target.ASM ? { ...base, http } : { ...base, http: toIstioRoutes(http) };
}

export function renderGatewaySpec(model: LaneModel): VirtualServiceSpec {
  if (!model.gateway) throw new Error(`${model.context}: no gateway entry point`);
  return virtualServiceSpec(model, model.gateway.gateways, model.gateway.hosts);
}

export function renderSidecarSpec(model: LaneModel): VirtualServiceSpec {
  if (!model.sidecar) throw new Error(`${model.context}: no sidecar entry point`);
  return virtualServiceSpec(model, undefined, model.sidecar.hosts);
}

export type DestinationRuleSpec = asm.DestinationRuleSpec | istio.DestinationRuleSpec;

/** One subset per lane that has pod labels, in lane order. */
export function renderDestinationRuleSpec(model: LaneModel): DestinationRuleSpec {
  return {
    host: model.host,
    subsets: model.lanes
      .filter(l => l.podLabels)
      .map(l => ({ name: l.name, labels: { ...l.podLabels } })),
  };
}
