/**
 * The routing ASM generates for a lane group (ASMSwimLaneGroup and its ASMSwimLanes), modelled with the
 * library's own lane model: per service, the lane routing `serviceRoutingProps` describes (routing header →
 * the lane's subset, or the baseline's for a service the lane does not hold; strict mode: the caller's
 * labels), rendered by the lane-routing renderer as the VirtualService `trafficlabel-vs-<group>-<ns>-<svc>`
 * and the DestinationRule ASM writes. ASM does not publish their bodies: this is inferred (README).
 */
import { mapping, optionalList, optionalMapping, optionalText, text, textMap } from './fields';
import { RawTable, readVirtualService } from './virtual-service';
import { Mode } from '../../../mode';
import { Target } from '../../../target';
import { asmGeneratedVirtualServiceName, GroupModel, normalizeGroup, serviceRoutingProps } from '../../model/group';
import { normalize } from '../../model/normalize';
import { renderDestinationRuleSpec, renderSidecarSpec } from '../../render/lane-routing';
import { list, show } from '../../validation/values';
import { Mesh, RuleSource, SubsetLabels } from '../mesh';

export interface AsmModelOptions {
  readonly clusterDomain: string;
  readonly asmGeneratedNamespace: string;
}

/** An ASMSwimLane, and the group its `swimlane-group` label names. */
export interface AsmLane {
  readonly obj: any;
  readonly group?: string;
}

/** An ASMSwimLaneGroup: how results and errors name it, and its name. */
export interface AsmGroup {
  readonly source: string;
  readonly location: string;
  readonly obj: any;
  readonly name?: string;
}

/** The lane group an ASMSwimLaneGroup and its ASMSwimLanes declare, type-checked, then checked as a LaneGroup's props are. */
function groupOf(g: AsmGroup, laneObjs: readonly any[], options: AsmModelOptions): GroupModel {
  const source = g.source;
  const spec = mapping(`${source} spec`, g.obj.spec);
  if (spec.isPermissive !== undefined && spec.isPermissive !== null && typeof spec.isPermissive !== 'boolean') {
    throw new Error(`${source} spec.isPermissive: must be true or false, got ${show(spec.isPermissive)}`);
  }
  const permissive = spec.isPermissive === true;
  const conf = optionalMapping(`${source} spec.permissiveModeConfiguration`, spec.permissiveModeConfiguration) ?? {};
  const serviceRef = (where: string, v: unknown) => {
    const ref = mapping(where, v);
    return { name: text(`${where}.name`, ref.name), namespace: text(`${where}.namespace`, ref.namespace) };
  };
  const lanes = laneObjs.map(l => {
    const name = text('ASMSwimLane metadata.name', l.metadata?.name);
    const where = `ASMSwimLane ${name} spec`;
    const laneSpec = mapping(where, l.spec);
    return {
      name,
      services: optionalList(`${where}.services`, laneSpec.services).map((x, i) => serviceRef(`${where}.services[${i}]`, x).name),
      podLabels: { ...textMap(`${where}.labelSelector`, laneSpec.labelSelector ?? {}) },
    };
  });
  if (lanes.length === 0) throw new Error(`${source}: no ASMSwimLane has the label swimlane-group: ${show(g.name)}`);
  const fallbackTarget = optionalText(`${source} spec.permissiveModeConfiguration.fallbackTarget`, conf.fallbackTarget);
  if (permissive && !lanes.some(l => l.name === fallbackTarget)) {
    throw new Error(`${source}: permissiveModeConfiguration.fallbackTarget ${show(fallbackTarget)} is not an ASMSwimLane of the group (lanes: ${list(lanes.map(l => l.name))})`);
  }
  return normalizeGroup(source, {
    // Stryker disable next-line StringLiteral: never fails: a group without a name has no lanes and was refused above
    name: text(`${source} metadata.name`, g.name),
    target: Target.ASM,
    mode: permissive ? Mode.PERMISSIVE : Mode.STRICT,
    services: optionalList(`${source} spec.services`, spec.services).map((x, i) => serviceRef(`${source} spec.services[${i}]`, x)),
    lanes,
    // a strict group names no baseline: the first lane stands for it (requests that enter no lane)
    baseline: permissive ? fallbackTarget! : lanes[0].name,
    routingHeader: optionalText(`${source} spec.permissiveModeConfiguration.routeHeader`, conf.routeHeader),
    traceHeader: optionalText(`${source} spec.permissiveModeConfiguration.traceHeader`, conf.traceHeader),
    clusterDomain: options.clusterDomain,
    asmGeneratedNamespace: options.asmGeneratedNamespace,
  });
}

/** The VirtualServices (with hosts, delegatable) and subsets ASM generates for lane groups. */
export function modelAsmLaneGroups(
  groups: readonly AsmGroup[],
  laneObjs: readonly AsmLane[],
  options: AsmModelOptions,
): { tables: RawTable[]; subsets: Mesh['subsets']; rules: Map<string, RuleSource>; forwarded: string[] } {
  const forwarded: string[] = [];
  const tables: RawTable[] = [];
  const subsets: SubsetLabels = new Map();
  const rules = new Map<string, RuleSource>();
  for (const g of groups) {
    try {
      const members = g.name === undefined ? [] : laneObjs.filter(l => l.group === g.name).map(l => l.obj);
      const group = groupOf(g, members, options);
      if (group.mode === Mode.PERMISSIVE) forwarded.push(group.traceHeader);
      for (const svc of group.services) {
        const name = asmGeneratedVirtualServiceName(group.name, svc);
        const source = `${g.source}: ASM-generated VirtualService ${group.asmGeneratedNamespace}/${name}`;
        const model = normalize(source, serviceRoutingProps(group, svc));
        const table = readVirtualService(source, { name, namespace: group.asmGeneratedNamespace }, renderSidecarSpec(model), group.clusterDomain);
        // every answer through it rests on how ASM generates its routing, which ASM does not publish
        const inferred = `${source}: inferred, as ASM does not publish what it generates: `
          + (group.mode === Mode.PERMISSIVE ? `each lane's subset, with a fallback to the baseline lane ${group.baseline} (ASM's documented equivalent)` : 'each lane by the caller\'s labels');
        tables.push({
          ...table,
          notes: [...table.notes ?? [], inferred],
          location: `${g.location}: ASM-generated VirtualService ${group.asmGeneratedNamespace}/${name}`,
          generatedBy: g.location,
        });
        const dr = renderDestinationRuleSpec(model);
        // Stryker disable next-line ArrayDeclaration: renderDestinationRuleSpec always gives subsets
        const drSubsets = dr.subsets ?? [];
        subsets.set(dr.host, new Map(drSubsets.map(x => [x.name, { ...x.labels }])));
        rules.set(dr.host, { location: `${g.location}: ASM-generated DestinationRule for ${dr.host}`, generatedBy: g.location, subsets: drSubsets.map(x => x.name) });
      }
    } catch (e) {
      const message = (e as Error).message;
      throw new Error(message.startsWith(g.source) ? g.location + message.slice(g.source.length) : `${g.location}: ${message}`);
    }
  }
  return { tables, subsets, rules, forwarded };
}
