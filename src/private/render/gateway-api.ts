/**
 * Pure renderers of the lane model on the Kubernetes Gateway API (Target.GATEWAY_API): a Service per lane, the
 * ingress HTTPRoute (bound to the Gateways), the mesh HTTPRoute (bound to the Service, GAMMA), and the
 * ReferenceGrants a route needs for backends in another namespace. What the Gateway API cannot express was
 * refused by `checkGatewayApi`.
 */
import type * as gw from '../../../imports/gateway-api-gateway.networking.k8s.io';
import * as k8s from '../../../imports/k8s';
import { backendPort, laneServiceName, serviceNameOf } from '../model/gateway-api';
import { laneMarkerHeaders } from '../model/marker';
import { serviceNamespace } from '../model/normalize';
import { CustomRouteModel, EntryPoint, LaneModel, MatchBlock, Rule } from '../model/types';

/**
 * A Service per lane that has pod labels: `<service>-<lane>`, selecting the service's pods of that lane. The model
 * holds laneServices whenever a lane has pod labels (normalizeLaneServices refuses it otherwise).
 */
export function renderLaneServices(model: LaneModel): Array<{ name: string; namespace?: string; spec: k8s.ServiceSpec }> {
  const s = model.laneServices!;
  return model.lanes.filter(l => l.podLabels).map(l => ({
    name: `${serviceNameOf(model.host)}-${l.name}`,
    namespace: serviceNamespace(model.host),
    spec: {
      selector: { ...s.selector, ...l.podLabels },
      ports: s.ports.map(p => ({
        port: p.port,
        ...(p.targetPort !== undefined ? { targetPort: k8s.IntOrString.fromNumber(p.targetPort) } : {}),
        ...(p.name ? { name: p.name } : {}),
      })),
    },
  }));
}

function headerMatches(m: MatchBlock): gw.HttpRouteSpecRulesMatchesHeaders[] | undefined {
  if (m.headers.length === 0) return undefined;
  return m.headers.map(h => ({ type: h.match!.kind === 'regex' ? 'RegularExpression' : 'Exact', name: h.name, value: h.match!.value } as any));
}

function renderMatch(m: MatchBlock): gw.HttpRouteSpecRulesMatches {
  return {
    ...(m.uri ? { path: { type: 'Exact', value: m.uri.value } as any } : {}),
    ...(headerMatches(m) ? { headers: headerMatches(m) } : {}),
    ...(m.queryParams.length ? { queryParams: m.queryParams.map(q => ({ type: q.match.kind === 'regex' ? 'RegularExpression' : 'Exact', name: q.name, value: q.match.value } as any)) } : {}),
    ...(m.method ? { method: m.method.value as any } : {}),
  };
}

/**
 * The namespace of the route's objects (where the HTTPRoute lives). On the Gateway API the host is a Service host,
 * so the mesh route's namespace defaults to the Service's and is never undefined.
 */
function routeNamespace(model: LaneModel, where: EntryPoint): string {
  return where === 'gateway' ? model.gateway!.namespace! : model.sidecar!.namespace!;
}

/** A backend: its namespace only when it is not the route's. */
function backendRef(name: string, namespace: string, routeNs: string, port: number, weight: number | undefined,
  headers: ReturnType<typeof laneMarkerHeaders>): gw.HttpRouteSpecRulesBackendRefs {
  const modifier = headers ? [{
    type: 'RequestHeaderModifier' as any,
    requestHeaderModifier: {
      ...(headers.set ? { set: Object.entries(headers.set).map(([k, v]) => ({ name: k, value: v })) } : {}),
      ...(headers.add ? { add: Object.entries(headers.add).map(([k, v]) => ({ name: k, value: v })) } : {}),
    },
  }] : undefined;
  return {
    name,
    ...(namespace !== routeNs ? { namespace } : {}),
    port,
    ...(weight !== undefined ? { weight } : {}),
    ...(modifier ? { filters: modifier } : {}),
  };
}

function renderRule(model: LaneModel, rule: Rule, where: EntryPoint): gw.HttpRouteSpecRules {
  const ns = serviceNamespace(model.host)!;
  const port = backendPort(model)!;
  return {
    name: rule.name,
    ...(rule.matches.length ? { matches: rule.matches.map(renderMatch) } : {}),
    backendRefs: rule.split.map(d => backendRef(laneServiceName(model, d.lane), ns, routeNamespace(model, where), port,
      rule.split.length > 1 ? d.weight : undefined, laneMarkerHeaders(model.propagation, model.routingHeader, d.lane, where, !rule.keepsMarker))),
    ...(model.routeOptions.timeout ? { timeouts: { request: model.routeOptions.timeout } } : {}),
  };
}

function renderCustomRoute(model: LaneModel, route: CustomRouteModel, where: EntryPoint): gw.HttpRouteSpecRules {
  return {
    name: route.name,
    matches: route.matches.map(renderMatch),
    backendRefs: route.destinations.map(d => {
      const [name, namespace] = d.host.split('.');
      return backendRef(name, namespace, routeNamespace(model, where), d.port!, route.destinations.length > 1 ? d.weight : undefined, undefined);
    }),
    ...(route.options.timeout ? { timeouts: { request: route.options.timeout } } : {}),
  };
}

/** The rules in the order of the lane model (checkGatewayApi made sure the Gateway API keeps it). */
function renderRules(model: LaneModel, where: EntryPoint): gw.HttpRouteSpecRules[] {
  return [
    ...model.routesBefore.map(r => renderCustomRoute(model, r, where)),
    ...model.rules.map(r => renderRule(model, r, where)),
    ...model.routesAfter.map(r => renderCustomRoute(model, r, where)),
    renderRule(model, model.defaultRoute, where),
  ];
}

/** The ingress HTTPRoute: bound to the Gateways, for the gateway's hosts (none: every hostname). */
export function renderIngressRoute(model: LaneModel): gw.HttpRouteSpec {
  const g = model.gateway!;
  const hostnames = g.hosts.filter(h => h !== '*');
  return {
    parentRefs: g.gateways.map(ref => {
      const [namespace, name] = ref.split('/');
      return { name, ...(namespace !== g.namespace ? { namespace } : {}) };
    }),
    ...(hostnames.length ? { hostnames } : {}),
    rules: renderRules(model, 'gateway'),
  };
}

/**
 * The mesh HTTPRoute (GAMMA): bound to the Service, so it routes the calls made to it inside the mesh. In the
 * Service's namespace it applies to every caller; placed in another namespace (`sidecar.namespace`) it is a
 * consumer route, which applies to the callers of that namespace only.
 */
export function renderMeshRoute(model: LaneModel): gw.HttpRouteSpec {
  const port = model.port;
  const ns = serviceNamespace(model.host)!;
  const consumer = model.sidecar!.namespace !== ns;
  return {
    parentRefs: [{ group: '', kind: 'Service', name: serviceNameOf(model.host), ...(consumer ? { namespace: ns } : {}), ...(port !== undefined ? { port } : {}) }],
    // Stryker disable next-line StringLiteral: the entry points are told apart by 'gateway' alone
    rules: renderRules(model, 'sidecar'),
  };
}

/**
 * The ReferenceGrants the routes need: one per namespace their backends are in, other than the route's own,
 * allowing HTTPRoutes of the route's namespace to refer to those Services.
 */
export function renderReferenceGrants(model: LaneModel): Array<{ namespace: string; spec: gw.ReferenceGrantSpec }> {
  const needs = new Map<string, { from: Set<string>; services: Set<string> }>();
  const add = (routeNs: string, backendNs: string | undefined, service: string) => {
    if (backendNs === undefined) return; // a backend in the route's own namespace (backendRef names no namespace)
    const n = needs.get(backendNs) ?? { from: new Set<string>(), services: new Set<string>() };
    n.from.add(routeNs);
    n.services.add(service);
    needs.set(backendNs, n);
  };
  for (const where of ['gateway', 'sidecar'] as const) {
    if (where === 'gateway' ? !model.gateway : !model.sidecar) continue;
    for (const r of renderRules(model, where)) {
      for (const b of r.backendRefs!) add(routeNamespace(model, where), b.namespace, b.name);
    }
  }
  return [...needs].map(([namespace, n]) => ({
    namespace,
    spec: {
      from: [...n.from].sort().map(ns => ({ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: ns })),
      to: [...n.services].sort().map(name => ({ group: '', kind: 'Service', name })),
    },
  }));
}
