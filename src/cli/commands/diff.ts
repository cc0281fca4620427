import { TrafficDiff, TrafficShare } from '../../diff';
import { LaneSimulator } from '../../lane-simulator';
import { shortNames } from '../../private/simulate/explain';
import { Options } from '../args';
import { manifestFiles, readManifestFiles } from '../files';
import { failed, pct, table } from '../output';

function describeShares(all: readonly TrafficShare[]): string {
  if (all.length === 0) return '(no route)';
  return all.map(s => `${s.target} ${pct(s.probability)}${s.sets ? ` [${s.sets}]` : ''}${s.fallback ? ` fallback ${s.fallback}` : ''}`).join('; ');
}

/** A Service host in a cell: `name.namespace.svc.` and the cluster domain. */
const SERVICE_HOST = /\b([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)\.([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)\.svc\.[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?\b/g;

/**
 * Service hosts as `explain` writes them (`shortNames`): the first label (`mocka`), or `name.namespace` when two
 * hosts of the texts share a first label.
 */
export function shortHosts(texts: readonly string[]): (text: string) => string {
  const name = shortNames(texts.flatMap(t => [...t.matchAll(SERVICE_HOST)].map(m => m[0])));
  return text => text.replace(SERVICE_HOST, name);
}

/** The width of the terminal a diff is read in, or in a pull request: its tables are wrapped to fit. */
const WIDTH = 100;

/** `cdk8s-lanes diff OLD NEW`: exit 0 no traffic change, 1 traffic changed, 2 usage or bad input. */
export function diffCommand(o: Options, out: (s: string) => void, err: (s: string) => void): number {
  let d: TrafficDiff;
  try {
    const options = { clusterDomain: o.clusterDomain, asmGeneratedNamespace: o.asmGeneratedNamespace, listenerIsolation: o.listenerIsolation };
    const read = (input: string) => {
      const sim = LaneSimulator.fromYamlSources(readManifestFiles(manifestFiles(input)), options);
      for (const note of sim.notes) err(`note: ${note}`);
      return sim;
    };
    d = read(o.files[0]).diff(read(o.files[1]), { chain: o.chain, complete: o.complete });
  } catch (e) {
    return failed(e, err);
  }
  // without --format (or --json), the table
  const format = o.json ? 'json' : o.format;
  if (format === 'json') {
    out(JSON.stringify(d, null, 2));
    return d.changed ? 1 : 0;
  }
  const md = format === 'markdown';
  const lines: string[] = [md ? '### Traffic changes' : `traffic: ${d.changed ? 'changed' : 'no change'}`];
  if (md && !d.changed) lines.push('', 'No request is routed differently.');
  // one block per entry point (and chain): a heading, then its classes before and after
  const block = (heading: string, classes: Array<[string, string, string]>) => {
    lines.push('', md ? `**${heading}**` : heading);
    if (md) lines.push('', '| requests | before | after |', '|---|---|---|', ...classes.map(r => `| ${r.map(x => x.replace(/\|/g, '\\|')).join(' | ')} |`));
    else lines.push(...table([['requests', 'before', 'after'], ...classes], WIDTH - 2).split('\n').map(l => `  ${l}`));
  };
  const cells = d.entries.flatMap(e => e.classes.flatMap(c => [describeShares(c.before), describeShares(c.after)]));
  const short = shortHosts(cells);
  for (const e of d.entries) block(`${e.entry} (${e.status})`, e.classes.map(c => [c.request, short(describeShares(c.before)), short(describeShares(c.after))]));
  if (d.chains.length) block(`chain ${o.chain!.join(' -> ')}`, d.chains.map(c => [c.request, c.before.join('; '), c.after.join('; ')]));
  const named = (what: string, xs: readonly string[]) => { if (xs.length) lines.push('', `${what}: ${xs.join(', ')}`); };
  named('subsets added', d.subsetsAdded);
  named('subsets removed', d.subsetsRemoved);
  named('hosts added', d.hostsAdded);
  named('hosts removed', d.hostsRemoved);
  const listed = [d.subsetsAdded, d.subsetsRemoved, d.hostsAdded, d.hostsRemoved].some(x => x.length > 0);
  if (!d.changed && listed) lines.push('', 'note: no request reaches what was added or removed, so no request is routed differently');
  if ([...d.entries.flatMap(e => e.classes), ...d.chains].some(c => /[ :=]~(;|$)/.test(c.request))) {
    lines.push('', '~ stands for a value that none of the conditions names');
  }
  if (d.approximate) lines.push('', 'approximate: regex conditions were compared through witness strings taken from their patterns (or there were too many fields to combine every value), so a change may go unreported');
  out(lines.join('\n'));
  return d.changed ? 1 : 0;
}

