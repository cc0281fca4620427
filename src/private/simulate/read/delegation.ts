/**
 * VirtualService delegation, resolved as Istio does (pilot `mergeVirtualServicesIfNeeded`): a root's route
 * with `delegate` is replaced by the delegate's routes, each with the root's matches merged in; a delegate
 * route whose matches conflict with every root match block is dropped; a delegate that does not exist drops
 * the root's route. The delegate's namespace defaults to the root's. One level only. A VirtualService
 * without hosts is only a delegate; the VirtualServices ASM generates for lane groups can be delegated to
 * too, and are then reached through the root only.
 */
import { Route, RouteTable, tableName } from '../mesh';
import { RawRoute, RawTable } from './virtual-service';
import { HeaderCondition, MatchBlock, PlainStringMatch } from '../../model/types';

/** A condition as Istio's StringMatch pointer sees it: not given, given without a value (presence), or a match. */
type Given = PlainStringMatch | 'present' | undefined;

/** Istio's `stringMatchConflict`: whether a delegate's condition cannot narrow the root's. */
function conflicts(root: Given, leaf: Given): boolean {
  if (root === undefined || leaf === undefined) return false;
  // Stryker disable next-line ConditionalExpression,StringLiteral: a root without a value ends in a conflict whether it is read as undefined or kept (no kind, no value)
  const r = root === 'present' ? undefined : root;
  const l = leaf === 'present' ? undefined : leaf;
  // a regex root conflicts with every leaf: it reaches the final `return true`
  if (l?.kind === 'regex' && r) return true;
  if (r?.kind === 'exact') return !(l?.kind === 'exact' && l.value === r.value);
  if (r?.kind === 'prefix' && l) return !l.value.startsWith(r.value);
  return true;
}

function headerMap(block: MatchBlock, absent: boolean): Map<string, Given> {
  // EqualityOperator: with !== both maps of a pair flip alike, so blocksConflict compares the same pairs, in the other order
  // Stryker disable next-line StringLiteral,EqualityOperator: conflicts() treats an empty string as it treats 'present' (no kind, falsy)
  return new Map(block.headers.filter(h => h.absent === absent).map(h => [h.name, h.match ?? 'present']));
}

/** Istio's `hasConflict` for the conditions the simulation reads. */
function blocksConflict(root: MatchBlock, leaf: MatchBlock): boolean {
  if (conflicts(root.uri, leaf.uri) || conflicts(root.authority, leaf.authority) || conflicts(root.method, leaf.method)) return true;
  if (root.port !== undefined && leaf.port !== undefined && root.port !== leaf.port) return true;
  if (root.sourceNamespace !== undefined && leaf.sourceNamespace !== undefined && root.sourceNamespace !== leaf.sourceNamespace) return true;
  for (const absent of [false, true]) {
    const r = headerMap(root, absent);
    for (const [name, m] of headerMap(leaf, absent)) if (conflicts(r.get(name), m)) return true;
  }
  for (const q of leaf.queryParams) if (conflicts(root.queryParams.find(x => x.name === q.name)?.match, q.match)) return true;
  for (const [k, v] of Object.entries(leaf.sourceLabels ?? {})) {
    const rv = root.sourceLabels?.[k];
    if (rv !== undefined && rv !== v) return true;
  }
  return false;
}

/** Istio's `mergeHTTPMatchRequest`: the delegate's conditions, completed by the root's. */
function mergeBlocks(root: MatchBlock, leaf: MatchBlock): MatchBlock {
  const headers = new Map<string, HeaderCondition>();
  for (const h of [...root.headers, ...leaf.headers]) headers.set(`${h.absent}/${h.name}`, h);
  const query = new Map([...root.queryParams, ...leaf.queryParams].map(q => [q.name, q]));
  const labels = { ...root.sourceLabels, ...leaf.sourceLabels };
  return {
    headers: [...headers.values()],
    sourceLabels: Object.keys(labels).length ? labels : undefined,
    uri: leaf.uri ?? root.uri,
    authority: leaf.authority ?? root.authority,
    method: leaf.method ?? root.method,
    queryParams: [...query.values()],
    port: leaf.port ?? root.port,
    sourceNamespace: leaf.sourceNamespace ?? root.sourceNamespace,
    notSourceNamespaces: leaf.notSourceNamespaces ?? root.notSourceNamespaces,
    hostnames: leaf.hostnames ?? root.hostnames,
    notHostnames: leaf.notHostnames ?? root.notHostnames,
  };
}

/** Istio's `mergeHTTPMatchRequests`; undefined on conflict. */
function mergeMatches(root: readonly MatchBlock[], leaf: readonly MatchBlock[]): readonly MatchBlock[] | undefined {
  if (root.length === 0) return leaf;
  if (leaf.length === 0) return root;
  const out: MatchBlock[] = [];
  for (const sub of leaf) {
    const merged = root.filter(r => !blocksConflict(r, sub)).map(r => mergeBlocks(r, sub));
    if (merged.length === 0) return undefined;
    out.push(...merged);
  }
  return out;
}

/** Route-level added headers, then the destination's: both are appended (a header added twice carries both values). */
function appended(route: { readonly [name: string]: string }, own: { readonly [name: string]: string }): { [name: string]: string } {
  const out: { [name: string]: string } = { ...route };
  for (const [k, v] of Object.entries(own)) out[k] = out[k] !== undefined ? `${out[k]},${v}` : v;
  return out;
}

/** A route ready for the simulation: route-level headers under each destination's own. */
function finish(r: RawRoute, headers = r.headers): Route {
  return {
    name: r.name,
    matches: r.matches,
    ...(r.notes ? { notes: r.notes } : {}),
    // without route-level headers, the destinations' own are all they set
    destinations: headers === undefined ? r.destinations : r.destinations.map(d => ({
      ...d, setHeaders: { ...headers.set, ...d.setHeaders }, addHeaders: appended(headers.add, d.addHeaders),
    })),
  };
}

/**
 * Resolves the delegation of the VirtualServices read (`tables`) and of those ASM generates (`generated`):
 * the tables requests enter through, and notes on routes Istio ignores.
 */
export function resolveDelegation(tables: readonly RawTable[], generated: readonly RawTable[]): { tables: RouteTable[]; notes: string[] } {
  const notes: string[] = [];
  const key = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;
  const delegates = new Map<string, RawTable>();
  for (const t of [...tables.filter(x => x.hosts.length === 0), ...generated]) delegates.set(key(t.namespace, t.name), t);
  const used = new Set<RawTable>();

  const resolve = (table: RawTable): RouteTable => {
    const routes: Route[] = [];
    for (const r of table.routes) {
      if (!r.delegate) {
        routes.push(finish(r));
        continue;
      }
      const ref = key(r.delegate.namespace ?? table.namespace, r.delegate.name);
      const target = delegates.get(ref);
      if (!target) {
        notes.push(`${r.where}: delegate ${ref.replace(/^\//, '')} is not a VirtualService without hosts among those read; Istio ignores this route`);
        continue;
      }
      const nested = target.routes.find(x => x.delegate);
      if (nested) throw new Error(`${r.where}: delegate ${tableName(target)} delegates again (${nested.where}); Istio supports one level of delegation`);
      used.add(target);
      for (const sub of target.routes) {
        const matches = mergeMatches(r.matches, sub.matches);
        if (!matches) {
          notes.push(`${sub.where}: its matches conflict with those of ${r.where}; Istio ignores this delegate route`);
          continue;
        }
        const name = sub.name === undefined ? r.name : r.name === undefined ? sub.name : `${r.name}-${sub.name}`;
        // what the root's route and the delegate's say about their answers (timeouts, retries, ...)
        const said = [...(r.notes ?? []), ...(sub.notes ?? [])];
        routes.push(finish({ ...sub, name, matches, ...(said.length ? { notes: said } : {}) }, sub.headers ?? r.headers));
      }
    }
    return { ...table, routes };
  };

  const roots = tables.filter(t => t.hosts.length > 0).map(resolve);
  const out = [...roots, ...generated.filter(t => !used.has(t)).map(resolve)];
  for (const t of tables) {
    if (t.hosts.length === 0 && !used.has(t)) notes.push(`${t.source}: has no hosts and no root delegates to it; Istio applies it nowhere`);
  }
  return { tables: out, notes };
}
