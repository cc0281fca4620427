/**
 * A lane group normalized and checked, and the one place that turns it into per-service lane models: each
 * service of a group is routed by the same lane model a LaneRouting has (`serviceRoutingProps`), rendered
 * by the same renderer (Target.ISTIO) or, for Target.ASM, standing for the routing ASM generates.
 */
import { inBaggage, laneMarkerMatch, normalizePropagation } from './marker';
import { normalizeRouteOptions } from './routes';
import { DEFAULT_ASM_GENERATED_NAMESPACE, DEFAULT_CLUSTER_DOMAIN, DEFAULT_ROUTING_HEADER, LaneSettings } from './types';
import { LaneServices } from '../../lane';
import { LaneGroupProps } from '../../lane-group-props';
import { LaneRoutingProps } from '../../lane-routing-props';
import { Mode } from '../../mode';
import { Propagation } from '../../propagation';
import { RouteOptions } from '../../route';
import { Target } from '../../target';
import { checkClusterDomain, checkDnsLabel, checkGatewayRef, checkHeaderName, checkLabel, checkPort, list, show } from '../validation/values';

export interface GroupService {
  readonly name: string;
  readonly namespace: string;
  readonly port?: number;
  /** Target.GATEWAY_API: the service's pods, from which its lane Services are rendered (checked by its LaneRouting) */
  readonly laneServices?: LaneServices;
  /** `<name>.<namespace>.svc.<cluster domain>` */
  readonly host: string;
}

export interface GroupLane {
  readonly name: string;
  readonly services: readonly string[];
  readonly podLabels: { readonly [key: string]: string };
}

export interface GroupModel extends LaneSettings {
  readonly name: string;
  readonly services: readonly GroupService[];
  readonly lanes: readonly GroupLane[];
  /** the header ASM's permissive lanes carry along a trace (ASM's traceHeader): the header the services forward */
  readonly traceHeader: string;
  /** as given, checked by normalizeGroup: each service's lane model normalizes it again */
  readonly routeOptions?: RouteOptions;
  /** where ASM writes the VirtualServices it generates (`trafficlabel-vs-*`) */
  readonly asmGeneratedNamespace: string;
  /** the cluster domain of the service hosts */
  readonly clusterDomain: string;
}

export function laneHolds(lane: GroupLane, service: string): boolean {
  return lane.services.includes(service);
}

/** `<name>.<namespace>.svc.<domain>` */
export function serviceHost(name: string, namespace: string, clusterDomain: string = DEFAULT_CLUSTER_DOMAIN): string {
  return `${name}.${namespace}.svc.${clusterDomain}`;
}

/**
 * A host as Istio resolves it in an object of `namespace` (pilot `ResolveShortnameToFQDN`): a name without
 * a dot is a service of that namespace, `<name>.<namespace>.svc.<domain>`; anything else is taken as
 * written (`*`, FQDNs, and `name.namespace`, which Istio does not expand).
 */
export function qualifyHost(host: string, namespace: string | undefined, clusterDomain: string = DEFAULT_CLUSTER_DOMAIN): string {
  if (host === '*' || host.includes('.') || namespace === undefined) return host;
  return serviceHost(host, namespace, clusterDomain);
}

/** The name of a service's per-service objects: its DestinationRule and sidecar (or delegating root) VirtualService. */
export function serviceObjectName(group: GroupModel, svc: GroupService): string {
  return `${group.name}-${svc.name}`;
}

/** The name ASM gives the VirtualService it generates for a service of a group. */
export function asmGeneratedVirtualServiceName(groupName: string, svc: { readonly name: string; readonly namespace: string }): string {
  return `trafficlabel-vs-${groupName}-${svc.namespace}-${svc.name}`;
}

/**
 * The lane routing of one service of a group, as LaneRouting props: a lane that holds the service has its
 * own subset, a lane that does not is served by the baseline's. Permissive: the routing header selects the
 * lane (`lane-<lane>` rules) and every destination sets it again. Strict: the caller's pod labels select
 * the lane (every lane holds every service). The default route goes to the baseline.
 */
/**
 * The marker props of a group's routings (its ingress and its services): the lane in baggage on Istio, else
 * the routing header, which every destination sets (ASM's trace-id and baggage scenarios re-attach it).
 */
export function laneMarkerProps(group: GroupModel): Pick<LaneRoutingProps, 'routingHeader' | 'propagation'> {
  if (inBaggage(group.propagation)) return { propagation: Propagation.baggage({ key: group.propagation.baggageKey }) };
  return { routingHeader: group.routingHeader };
}

export function serviceRoutingProps(group: GroupModel, svc: GroupService): LaneRoutingProps {
  const permissive = group.mode === Mode.PERMISSIVE;
  const name = serviceObjectName(group, svc);
  return {
    target: group.target,
    mode: group.mode,
    ...laneMarkerProps(group),
    host: svc.host,
    port: svc.port,
    lanes: group.lanes.map(l => (laneHolds(l, svc.name)
      ? { name: l.name, podLabels: { ...l.podLabels } }
      : { name: l.name, servedBy: group.baseline })),
    baseline: group.baseline,
    // the lane in baggage: the lane model matches the lane entries itself (before every rule)
    rules: inBaggage(group.propagation) ? [] : group.lanes.filter(l => l.name !== group.baseline).map(l => ({
      name: `lane-${l.name}`,
      matches: [permissive ? { headers: [laneMarkerMatch(group.propagation, group.routingHeader, l.name)] } : { sourceLabels: { ...l.podLabels } }],
      // ASM's permissive lanes fall back to the baseline lane when the lane's version has no healthy endpoints (its
      // documented equivalent of a permissive group routes each lane's subset with a fallback to the baseline's)
      split: [{ lane: l.name, ...(group.target === Target.ASM && permissive && laneHolds(l, svc.name) ? { fallbackLane: group.baseline } : {}) }],
    })),
    routeOptions: group.routeOptions,
    sidecar: { name, namespace: svc.namespace },
    // on the Gateway API each lane is a Service (rendered from laneServices), and there is no DestinationRule
    ...(group.target === Target.GATEWAY_API ? { laneServices: svc.laneServices } : { destinationRule: { name, namespace: svc.namespace } }),
  };
}

export function normalizeGroup(context: string, props: LaneGroupProps): GroupModel {
  if (!props || typeof props !== 'object') throw new Error(`${context}: props are required`);
  checkDnsLabel(`${context}: name`, props.name);
  if (!Object.values(Target).includes(props.target)) {
    throw new Error(`${context}: target must be Target.ASM, Target.ISTIO or Target.GATEWAY_API, got ${show(props.target)}`);
  }
  const mode = props.mode ?? Mode.PERMISSIVE;
  if (!Object.values(Mode).includes(mode)) throw new Error(`${context}: mode must be Mode.PERMISSIVE or Mode.STRICT, got ${show(mode)}`);
  const clusterDomain = props.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
  checkClusterDomain(`${context}: clusterDomain`, clusterDomain);

  if (!Array.isArray(props.services) || props.services.length === 0) throw new Error(`${context}: services must list at least one service`);
  const services: GroupService[] = props.services.map((s, i) => {
    checkDnsLabel(`${context}: services[${i}].name`, s?.name);
    checkDnsLabel(`${context}: service ${show(s.name)} namespace`, s.namespace);
    if (s.port !== undefined) checkPort(`${context}: service ${show(s.name)} port`, s.port);
    if (s.laneServices !== undefined && props.target !== Target.GATEWAY_API) {
      throw new Error(`${context}: service ${show(s.name)} laneServices is for Target.GATEWAY_API (a Service per lane); the meshes select lanes by subsets: remove it`);
    }
    if (s.laneServices === undefined && props.target === Target.GATEWAY_API) {
      throw new Error(`${context}: service ${show(s.name)} needs laneServices on Target.GATEWAY_API: the selector and ports of its pods, from which a Service per lane is rendered`);
    }
    const host = serviceHost(s.name, s.namespace, clusterDomain);
    return { name: s.name, namespace: s.namespace, port: s.port, host, laneServices: s.laneServices };
  });
  const serviceNames = services.map(s => s.name);
  const twice = serviceNames.find((n, i) => serviceNames.indexOf(n) !== i);
  if (twice) throw new Error(`${context}: services lists ${show(twice)} twice; service names must be unique within a group (lanes name services by name)`);

  if (!Array.isArray(props.lanes) || props.lanes.length === 0) throw new Error(`${context}: lanes must list at least one lane (the baseline)`);
  const selectors = new Map<string, string>();
  const lanes: GroupLane[] = props.lanes.map((l, i) => {
    checkDnsLabel(`${context}: lanes[${i}].name`, l?.name);
    const where = `${context}: lane ${show(l.name)}`;
    if (!Array.isArray(l.services)) throw new Error(`${where} services must list the services it holds`);
    for (const s of l.services) {
      if (!serviceNames.includes(s)) throw new Error(`${where} services: ${show(s)} is not a service of the group (services: ${list(serviceNames)})`);
    }
    const dup = l.services.find((s, j) => l.services.indexOf(s) !== j);
    if (dup) throw new Error(`${where} services lists ${show(dup)} twice`);
    const entries = Object.entries(l.podLabels ?? {});
    if (entries.length === 0) {
      throw new Error(`${where} needs podLabels that select its workloads, e.g. { version: 'v2' } (empty labels would select every pod)`);
    }
    for (const [k, v] of entries) checkLabel(`${where} podLabels`, k, v);
    const key = JSON.stringify(entries.sort());
    const same = selectors.get(key);
    if (same) throw new Error(`${where} podLabels are the same as lane ${show(same)}'s, so both lanes would select the same pods`);
    selectors.set(key, l.name);
    return { name: l.name, services: [...l.services], podLabels: { ...l.podLabels } };
  });
  const laneNames = lanes.map(l => l.name);
  const dupLane = laneNames.find((n, i) => laneNames.indexOf(n) !== i);
  if (dupLane) throw new Error(`${context}: lanes lists ${show(dupLane)} twice`);
  const baseline = lanes.find(l => l.name === props.baseline);
  if (!baseline) throw new Error(`${context}: baseline ${show(props.baseline)} is not a lane (lanes: ${list(laneNames)})`);
  const missingInBaseline = serviceNames.filter(s => !laneHolds(baseline, s));
  if (missingInBaseline.length) {
    throw new Error(`${context}: the baseline lane ${show(baseline.name)} must hold every service (it serves what other lanes do not hold); missing: ${list(missingInBaseline)}`);
  }
  if (mode === Mode.STRICT) {
    for (const l of lanes) {
      const missing = serviceNames.filter(s => !laneHolds(l, s));
      if (missing.length) {
        throw new Error(`${context}: in strict mode every lane holds every service, but lane ${show(l.name)} lacks ${list(missing)}; add them or use Mode.PERMISSIVE`);
      }
    }
  }
  for (const l of lanes) {
    if (l.services.length === 0) throw new Error(`${context}: lane ${show(l.name)} holds no service; list the services it holds`);
  }

  const routingHeader = props.routingHeader ?? DEFAULT_ROUTING_HEADER;
  checkHeaderName(`${context}: routingHeader`, routingHeader);
  const propagation = normalizePropagation(context, {
    target: props.target,
    mode,
    routingHeader,
    routingHeaderGiven: props.routingHeader !== undefined,
    propagation: props.propagation,
    traceHeader: props.traceHeader,
    group: true,
  });
  const asmGeneratedNamespace = props.asmGeneratedNamespace ?? DEFAULT_ASM_GENERATED_NAMESPACE;
  checkDnsLabel(`${context}: asmGeneratedNamespace`, asmGeneratedNamespace);
  if (props.asmGeneratedNamespace !== undefined && props.target !== Target.ASM) {
    throw new Error(`${context}: asmGeneratedNamespace is an ASM setting (where ASM writes the VirtualServices it generates for a group); use target: Target.ASM or remove it`);
  }

  // checked here once, with the group's context (each service's lane model normalizes it again)
  normalizeRouteOptions(`${context}: routeOptions`, props.routeOptions);

  if (props.ingress) {
    const i = props.ingress;
    checkGatewayRef(`${context}: ingress.gateway`, i.gateway);
    if (!serviceNames.includes(i.entryService)) {
      throw new Error(`${context}: ingress.entryService ${show(i.entryService)} is not a service of the group (services: ${list(serviceNames)})`);
    }
  }

  return {
    context,
    name: props.name,
    target: props.target,
    mode,
    services,
    lanes,
    baseline: baseline.name,
    routingHeader,
    propagation,
    traceHeader: propagation?.forwarded ?? routingHeader,
    routeOptions: props.routeOptions,
    asmGeneratedNamespace,
    clusterDomain,
  };
}
