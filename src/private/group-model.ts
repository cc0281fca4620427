/**
 * The lane-group model: LaneGroup props normalized and checked. Pure data.
 */
import { checkDnsLabel, checkGatewayRef, checkHeaderName, checkLabel, checkPort, list, show } from './checks';
import { CustomRouteModel, DEFAULT_ROUTING_HEADER, normalizeRouteOptions, RouteOptionsModel } from './model';
import { LaneGroupProps } from '../lane-group-props';
import { Mode } from '../mode';
import { Target } from '../target';

export interface GroupService {
  readonly name: string;
  readonly namespace: string;
  readonly port?: number;
  /** `<name>.<namespace>.svc.cluster.local` */
  readonly host: string;
}

export interface GroupLane {
  readonly name: string;
  readonly services: readonly string[];
  readonly podLabels: { readonly [key: string]: string };
}

export interface GroupModel {
  readonly context: string;
  readonly name: string;
  readonly target: Target;
  readonly mode: Mode;
  readonly services: readonly GroupService[];
  readonly lanes: readonly GroupLane[];
  readonly baseline: string;
  readonly routingHeader: string;
  readonly traceHeader: string;
  readonly routeOptions: RouteOptionsModel;
  /** custom routes per service, placed before / after the lane routes of its sidecar VirtualService */
  readonly routesBefore: ReadonlyMap<string, readonly CustomRouteModel[]>;
  readonly routesAfter: ReadonlyMap<string, readonly CustomRouteModel[]>;
}

export function laneHolds(lane: GroupLane, service: string): boolean {
  return lane.services.includes(service);
}

/** The lane whose workloads serve `lane`'s requests for `service`: the lane itself, or the baseline. */
export function servingLane(model: GroupModel, lane: GroupLane, service: string): string {
  return laneHolds(lane, service) ? lane.name : model.baseline;
}

export function normalizeGroup(context: string, props: LaneGroupProps): GroupModel {
  if (!props || typeof props !== 'object') throw new Error(`${context}: props are required`);
  checkDnsLabel(`${context}: name`, props.name);
  if (!Object.values(Target).includes(props.target)) {
    throw new Error(`${context}: target must be Target.ASM or Target.ISTIO, got ${show(props.target)}`);
  }
  const mode = props.mode ?? Mode.PERMISSIVE;
  if (!Object.values(Mode).includes(mode)) throw new Error(`${context}: mode must be Mode.PERMISSIVE or Mode.STRICT, got ${show(mode)}`);

  if (!Array.isArray(props.services) || props.services.length === 0) throw new Error(`${context}: services must list at least one service`);
  const services: GroupService[] = props.services.map((s, i) => {
    checkDnsLabel(`${context}: services[${i}].name`, s?.name);
    checkDnsLabel(`${context}: service ${show(s.name)} namespace`, s.namespace);
    if (s.port !== undefined) checkPort(`${context}: service ${show(s.name)} port`, s.port);
    return { name: s.name, namespace: s.namespace, port: s.port, host: `${s.name}.${s.namespace}.svc.cluster.local` };
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
  const traceHeader = props.traceHeader ?? routingHeader;
  checkHeaderName(`${context}: traceHeader`, traceHeader);

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
    traceHeader,
    routeOptions: normalizeRouteOptions(`${context}: routeOptions`, props.routeOptions),
    routesBefore: new Map(),
    routesAfter: new Map(),
  };
}
