/**
 * Pure renderers of a lane group: per-service DestinationRules and sidecar VirtualServices (upstream
 * Istio), ASM's lane resources, and the root VirtualServices that delegate to the ones ASM generates.
 */
import { GroupLane, GroupModel, GroupService, laneHolds, servingLane } from './group-model';
import { renderCustomRoute, renderRouteOptions } from './render';
import { routeTable, RouteTable, SubsetLabels } from './route-table';
import * as lanes from '../../imports/asm-lanes-istio.alibabacloud.com';
import * as asm from '../../imports/asm-networking.istio.io';
import * as istio from '../../imports/istio-networking.istio.io';
import { Mode } from '../mode';
import { Target } from '../target';

/** Name of the default route of the per-service VirtualServices. */
export const GROUP_DEFAULT_ROUTE = 'base-route';

/** The name of the route for lane `lane` in a per-service VirtualService. */
export function laneRouteName(lane: string): string {
  return `lane-${lane}`;
}

/** One subset per lane that holds the service, in lane order. */
export function renderGroupDestinationRule(model: GroupModel, svc: GroupService): istio.DestinationRuleSpec {
  return {
    host: svc.host,
    subsets: model.lanes.filter(l => laneHolds(l, svc.name)).map(l => ({ name: l.name, labels: { ...l.podLabels } })),
  };
}

/**
 * The lane routes of one service. Permissive: the routing header selects the lane (its own subset when
 * the lane holds the service, else the baseline's) and is set again. Strict: the caller's pod labels
 * select the lane (every lane holds every service). The default route goes to the baseline.
 */
export function renderGroupLaneRoutes(model: GroupModel, svc: GroupService): istio.VirtualServiceSpecHttp[] {
  const port = svc.port !== undefined ? { number: svc.port } : undefined;
  const permissive = model.mode === Mode.PERMISSIVE;
  const destination = (lane: string, subset: string): istio.VirtualServiceSpecHttpRoute => ({
    destination: { host: svc.host, subset, port },
    headers: permissive ? { request: { set: { [model.routingHeader]: lane } } } : undefined,
  });
  const options = renderRouteOptions(model.routeOptions);
  const routes: istio.VirtualServiceSpecHttp[] = model.lanes.filter(l => l.name !== model.baseline).map(l => ({
    name: laneRouteName(l.name),
    match: [permissive ? { headers: { [model.routingHeader]: { exact: l.name } } } : { sourceLabels: { ...l.podLabels } }],
    route: [destination(l.name, servingLane(model, l, svc.name))],
    ...options,
  }));
  routes.push({ name: GROUP_DEFAULT_ROUTE, route: [destination(model.baseline, model.baseline)], ...options });
  return routes;
}

/** The sidecar VirtualService of one service (upstream Istio): custom routes before, lane routes, custom routes after. */
export function renderGroupSidecarSpec(model: GroupModel, svc: GroupService): istio.VirtualServiceSpec {
  const laneRoutes = renderGroupLaneRoutes(model, svc);
  const defaultRoute = laneRoutes.pop()!;
  return {
    hosts: [svc.host],
    http: [
      ...(model.routesBefore.get(svc.name) ?? []).map(renderCustomRoute),
      ...laneRoutes,
      ...(model.routesAfter.get(svc.name) ?? []).map(renderCustomRoute),
      defaultRoute,
    ],
  };
}

/** The name ASM gives the VirtualService it generates for a service of a group. */
export function asmGeneratedVirtualServiceName(model: GroupModel, svc: GroupService): string {
  return `trafficlabel-vs-${model.name}-${svc.namespace}-${svc.name}`;
}

/**
 * A root VirtualService for one service (ASM): custom routes before, then a catch-all that delegates to
 * the VirtualService ASM generates for the service, with the group's timeout and retries.
 */
export function renderDelegateSpec(model: GroupModel, svc: GroupService): asm.VirtualServiceSpec {
  return {
    hosts: [svc.host],
    http: [
      ...(model.routesBefore.get(svc.name) ?? []).map(renderCustomRoute),
      {
        name: 'lanes',
        delegate: { name: asmGeneratedVirtualServiceName(model, svc), namespace: 'istio-system' },
        ...renderRouteOptions(model.routeOptions),
      },
    ],
  };
}

function serviceRef(svc: GroupService): lanes.AsmSwimLaneGroupSpecServices {
  return { name: svc.name, namespace: svc.namespace };
}

export function renderSwimLaneGroupSpec(model: GroupModel, gateway: string | undefined): lanes.AsmSwimLaneGroupSpec {
  const permissive = model.mode === Mode.PERMISSIVE;
  const [namespace, name] = gateway ? gateway.split('/') : [undefined, undefined];
  return {
    services: model.services.map(serviceRef),
    ingress: gateway ? { gateway: { name, namespace, type: lanes.AsmSwimLaneGroupSpecIngressGatewayType.ASM } } : {},
    isPermissive: permissive,
    permissiveModeConfiguration: permissive
      ? { fallbackTarget: model.baseline, traceHeader: model.traceHeader, routeHeader: model.routingHeader }
      : undefined,
  };
}

export function renderSwimLaneSpec(model: GroupModel, lane: string): lanes.AsmSwimLaneSpec {
  const l = model.lanes.find(x => x.name === lane)!;
  return {
    labelSelector: { ...l.podLabels },
    services: model.services.filter(s => laneHolds(l, s.name)).map(s => ({ name: s.name, namespace: s.namespace })),
  };
}

/**
 * The per-service routing ASM generates for a lane group read from YAML (ASMSwimLaneGroup and its
 * ASMSwimLanes), as route tables and subsets for the simulation. Strict groups have no baseline in
 * their spec: the first lane stands for it (requests that enter no lane).
 */
export function modelAsmLaneYaml(group: any, laneObjs: any[], source: string): { tables: RouteTable[]; subsets: SubsetLabels } {
  const spec = group.spec ?? {};
  const services: GroupService[] = (spec.services ?? []).map((s: any) => ({
    name: s.name, namespace: s.namespace, host: `${s.name}.${s.namespace}.svc.cluster.local`,
  }));
  const groupLanes: GroupLane[] = laneObjs.map(l => ({
    name: l.metadata.name,
    services: (l.spec?.services ?? []).map((s: any) => s.name),
    podLabels: { ...(l.spec?.labelSelector ?? {}) },
  }));
  if (groupLanes.length === 0) throw new Error(`${source}: no ASMSwimLane has the label swimlane-group: ${group.metadata?.name}`);
  const permissive = spec.isPermissive === true;
  const conf = spec.permissiveModeConfiguration ?? {};
  const model: GroupModel = {
    context: source,
    name: group.metadata?.name,
    target: Target.ASM,
    mode: permissive ? Mode.PERMISSIVE : Mode.STRICT,
    services,
    lanes: groupLanes,
    baseline: permissive ? conf.fallbackTarget : groupLanes[0].name,
    routingHeader: conf.routeHeader ?? 'x-asm-prefer-tag',
    traceHeader: conf.traceHeader ?? conf.routeHeader ?? 'x-asm-prefer-tag',
    routeOptions: {},
    routesBefore: new Map(),
    routesAfter: new Map(),
  };
  if (!groupLanes.some(l => l.name === model.baseline)) {
    throw new Error(`${source}: permissiveModeConfiguration.fallbackTarget ${JSON.stringify(model.baseline)} is not an ASMSwimLane of the group`);
  }
  return groupRouting(model, `${source}: ASM lane routing of`);
}

/**
 * Route tables and subsets of a group's per-service routing, for the simulation: the sidecar
 * VirtualServices rendered for upstream Istio, or, for ASM, the lane routes ASM generates (modelled).
 */
export function groupRouting(model: GroupModel, label: string): { tables: RouteTable[]; subsets: SubsetLabels } {
  const tables = model.services.map(s => routeTable(
    `${label} ${s.namespace}/${s.name}`,
    { name: `${model.name}-${s.name}`, namespace: s.namespace },
    model.target === Target.ISTIO ? renderGroupSidecarSpec(model, s) : { hosts: [s.host], http: renderGroupLaneRoutes(model, s) },
  ));
  const subsets: SubsetLabels = new Map(model.services.map(s => [
    s.host,
    new Map(model.lanes.filter(l => laneHolds(l, s.name)).map(l => [l.name, { ...l.podLabels }])),
  ]));
  return { tables, subsets };
}
