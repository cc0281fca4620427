/**
 * Pure renderers of what a lane group adds to its per-service lane models on Target.ASM: ASM's lane
 * resources, and the root VirtualServices that delegate to the ones ASM generates. (On Target.ISTIO every
 * object of a group is rendered by the lane-routing renderer.)
 */
import { renderCustomRoute, renderRouteOptions } from './lane-routing';
import * as lanes from '../../../imports/asm-lanes-istio.alibabacloud.com';
import * as asm from '../../../imports/asm-networking.istio.io';
import { Mode } from '../../mode';
import { asmGeneratedVirtualServiceName, GroupModel, GroupService, laneHolds } from '../model/group';
import { LaneModel } from '../model/types';

/** The route of a delegating root that hands every request it gets to ASM's generated VirtualService. */
export const DELEGATE_ROUTE_NAME = 'lanes';

/**
 * A root VirtualService for one service (ASM): the custom routes placed before the lane rules, then a
 * catch-all that delegates to the VirtualService ASM generates for the service, with the group's timeout and
 * retries (a delegate's routes inherit them).
 */
export function renderDelegatingRootSpec(group: GroupModel, svc: GroupService, model: LaneModel): asm.VirtualServiceSpec {
  return {
    hosts: [svc.host],
    http: [
      ...model.routesBefore.map(renderCustomRoute),
      {
        name: DELEGATE_ROUTE_NAME,
        delegate: { name: asmGeneratedVirtualServiceName(group.name, svc), namespace: group.asmGeneratedNamespace },
        ...renderRouteOptions(model.routeOptions),
      },
    ],
  };
}

export function renderSwimLaneGroupSpec(group: GroupModel, gateway: string | undefined): lanes.AsmSwimLaneGroupSpec {
  const permissive = group.mode === Mode.PERMISSIVE;
  const ingressGateway = (ref: string) => {
    const [namespace, name] = ref.split('/');
    return { name, namespace, type: lanes.AsmSwimLaneGroupSpecIngressGatewayType.ASM };
  };
  return {
    services: group.services.map(s => ({ name: s.name, namespace: s.namespace })),
    ingress: gateway ? { gateway: ingressGateway(gateway) } : {},
    isPermissive: permissive,
    permissiveModeConfiguration: permissive
      ? { fallbackTarget: group.baseline, traceHeader: group.traceHeader, routeHeader: group.routingHeader }
      : undefined,
  };
}

export function renderSwimLaneSpec(group: GroupModel, lane: string): lanes.AsmSwimLaneSpec {
  const l = group.lanes.find(x => x.name === lane)!;
  return {
    labelSelector: { ...l.podLabels },
    services: group.services.filter(s => laneHolds(l, s.name)).map(s => ({ name: s.name, namespace: s.namespace })),
  };
}
