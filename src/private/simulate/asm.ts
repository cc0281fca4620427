/**
 * The routing ASM generates for a lane group (ASMSwimLaneGroup and its ASMSwimLanes), modelled with the
 * library's own lane model: per service, the lane routing `serviceRoutingProps` describes (routing header →
 * the lane's subset, or the baseline's for a service the lane does not hold; strict mode: the caller's
 * labels), rendered by the lane-routing renderer as the VirtualService `trafficlabel-vs-<group>-<ns>-<svc>`
 * and the DestinationRule ASM writes. ASM does not publish their bodies: this is inferred (README).
 */
import { Mesh, SubsetLabels } from './mesh';
import { RawTable, readVirtualService } from './parser';
import { Mode } from '../../mode';
import { Target } from '../../target';
import { asmGeneratedVirtualServiceName, GroupModel, normalizeGroup, serviceRoutingProps } from '../model/group';
import { normalize } from '../model/normalize';
import { renderDestinationRuleSpec, renderSidecarSpec } from '../render/lane-routing';

export interface AsmModelOptions {
  readonly clusterDomain: string;
  readonly asmGeneratedNamespace: string;
}

/** The lane group an ASMSwimLaneGroup and its ASMSwimLanes declare, checked as a LaneGroup's props are. */
function groupOf(source: string, obj: any, laneObjs: readonly any[], options: AsmModelOptions): GroupModel {
  const spec = obj.spec ?? {};
  const permissive = spec.isPermissive === true;
  const conf = spec.permissiveModeConfiguration ?? {};
  const lanes = laneObjs.map(l => ({
    name: l.metadata?.name,
    services: (l.spec?.services ?? []).map((s: any) => s?.name),
    podLabels: { ...(l.spec?.labelSelector ?? {}) },
  }));
  if (lanes.length === 0) throw new Error(`${source}: no ASMSwimLane has the label swimlane-group: ${obj.metadata?.name}`);
  if (permissive && !lanes.some(l => l.name === conf.fallbackTarget)) {
    throw new Error(`${source}: permissiveModeConfiguration.fallbackTarget ${JSON.stringify(conf.fallbackTarget)} is not an ASMSwimLane of the group (lanes: ${lanes.map(l => l.name).join(', ')})`);
  }
  return normalizeGroup(source, {
    name: obj.metadata?.name,
    target: Target.ASM,
    mode: permissive ? Mode.PERMISSIVE : Mode.STRICT,
    services: (spec.services ?? []).map((s: any) => ({ name: s?.name, namespace: s?.namespace })),
    lanes,
    // a strict group names no baseline: the first lane stands for it (requests that enter no lane)
    baseline: permissive ? conf.fallbackTarget : lanes[0].name,
    routingHeader: conf.routeHeader,
    traceHeader: conf.traceHeader,
    clusterDomain: options.clusterDomain,
    asmGeneratedNamespace: options.asmGeneratedNamespace,
  });
}

/** The VirtualServices (with hosts, delegatable) and subsets ASM generates for lane groups. */
export function modelAsmLaneGroups(
  groups: ReadonlyArray<{ readonly source: string; readonly obj: any }>,
  laneObjs: readonly any[],
  options: AsmModelOptions,
): { tables: RawTable[]; subsets: Mesh['subsets'] } {
  const tables: RawTable[] = [];
  const subsets: SubsetLabels = new Map();
  for (const g of groups) {
    const groupName = g.obj.metadata?.name;
    const members = groupName === undefined ? [] : laneObjs.filter(l => l.metadata?.labels?.['swimlane-group'] === groupName);
    const group = groupOf(g.source, g.obj, members, options);
    for (const svc of group.services) {
      const name = asmGeneratedVirtualServiceName(group.name, svc);
      const source = `${g.source}: ASM-generated VirtualService ${group.asmGeneratedNamespace}/${name}`;
      const model = normalize(source, serviceRoutingProps(group, svc));
      tables.push(readVirtualService(source, { name, namespace: group.asmGeneratedNamespace }, renderSidecarSpec(model), group.clusterDomain));
      const dr = renderDestinationRuleSpec(model);
      subsets.set(dr.host, new Map((dr.subsets ?? []).map(s => [s.name, { ...s.labels }])));
    }
  }
  return { tables, subsets };
}
