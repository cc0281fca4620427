/**
 * Pure renderers: lane model → VirtualService / DestinationRule specs, typed with the generated classes
 * (whose toJson silently drops keys it does not know, so every producer is typed).
 */
import { Destination, LaneModel, MatchBlock, PlainStringMatch, Rule } from './model';
import * as asm from '../../imports/asm-networking.istio.io';
import * as istio from '../../imports/istio-networking.istio.io';
import { Mode } from '../mode';
import { Target } from '../target';

function stringMatch(m: PlainStringMatch): asm.VirtualServiceSpecHttpMatchHeaders {
  switch (m.kind) {
    case 'exact': return { exact: m.value };
    case 'prefix': return { prefix: m.value };
    case 'regex': return { regex: m.value };
  }
}

function renderMatch(block: MatchBlock): asm.VirtualServiceSpecHttpMatch {
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
    headers: some(headers),
    withoutHeaders: some(withoutHeaders),
    uri: block.uri ? stringMatch(block.uri) : undefined,
    method: block.method ? stringMatch(block.method) : undefined,
    queryParams: some(queryParams),
  };
}

function renderDestination(model: LaneModel, d: Destination, weighted: boolean): asm.VirtualServiceSpecHttpRoute {
  const port = model.port !== undefined ? { number: model.port } : undefined;
  return {
    destination: { host: model.host, subset: d.lane, port },
    weight: weighted ? d.weight : undefined,
    headers: model.mode === Mode.PERMISSIVE ? { request: { set: { [model.routingHeader]: d.lane } } } : undefined,
    fallback: d.fallbackLane !== undefined ? { target: { host: model.host, subset: d.fallbackLane, port } } : undefined,
  };
}

function renderRule(model: LaneModel, rule: Rule): asm.VirtualServiceSpecHttp {
  return {
    name: rule.name,
    match: rule.matches.length ? rule.matches.map(renderMatch) : undefined,
    route: rule.split.map(d => renderDestination(model, d, rule.split.length > 1)),
  };
}

/** The ordered HTTP routes shared by the gateway and sidecar VirtualServices: rules, then the default route. */
export function renderHttpRoutes(model: LaneModel): asm.VirtualServiceSpecHttp[] {
  return [...model.rules, model.defaultRoute].map(r => renderRule(model, r));
}

/**
 * Narrows ASM routes to upstream Istio's schema. The model never holds an ASM-only field for
 * Target.ISTIO; this is the last line of defence against a silent drop by the generated toJson.
 */
function toIstioRoutes(routes: asm.VirtualServiceSpecHttp[]): istio.VirtualServiceSpecHttp[] {
  return routes.map(r => ({
    ...r,
    route: r.route?.map(({ fallback, ...rest }) => {
      if (fallback !== undefined) {
        throw new Error(`route ${JSON.stringify(r.name)}: fallback is an ASM-only field and cannot be rendered for upstream Istio`);
      }
      return rest;
    }),
  }));
}

export type VirtualServiceSpec = asm.VirtualServiceSpec | istio.VirtualServiceSpec;

function virtualServiceSpec(model: LaneModel, gateways: readonly string[] | undefined, hosts: readonly string[]): VirtualServiceSpec {
  const http = renderHttpRoutes(model);
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
