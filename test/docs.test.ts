/**
 * The docs agree with the code: links are absolute (the README is read on the registry's page) and lead to files
 * and headings that exist; every message docs/errors.md quotes is produced by the code; docs/analyzer-codes.md
 * lists exactly the codes the analyzers declare; versions are package.json's; the product's own words only.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart, Duration, Testing } from 'cdk8s';
import { runCli } from './helpers';
import { ROOT } from './repo';
import { HeaderMatch, LaneClock, LaneGroup, LaneGroupLane, LaneRouting, Propagation, StringMatch, Target } from '../src';
import { ANALYZERS } from '../src/private/analysis/analyze';

const REPO = 'https://github.com/cdk8s-traffic-lanes/cdk8s-traffic-lanes';
const RAW = 'https://raw.githubusercontent.com/cdk8s-traffic-lanes/cdk8s-traffic-lanes/main/';
const PAGES = ['README.md', 'CONTRIBUTING.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter(f => f.endsWith('.md')).map(f => `docs/${f}`)];
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf-8');

/** A page's text outside its fenced code blocks. */
const prose = (text: string) => text.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');

/** The anchors GitHub makes of a page's headings: lowercase, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  return new Set([...prose(text).matchAll(/^#{1,6} (.*)$/gm)].map(m => {
    const slug = m[1].toLowerCase().replace(/[^\p{L}\p{N}\- ]/gu, '').replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    return n === 0 ? slug : `${slug}-${n}`;
  }));
}

/** The links and image sources of a page (Markdown and HTML). */
const links = (text: string) => [...prose(text).matchAll(/\]\(([^)\s]+)(?: "[^"]*")?\)|<(?:img|a) [^>]*(?:src|href)="([^"]+)"/g)].map(m => m[1] ?? m[2]);

describe('links', () => {
  test.each(PAGES)('%s: every link is absolute, and those into this repository lead to a file and heading that exist', file => {
    const problems: string[] = [];
    for (const link of links(read(file))) {
      if (!/^https?:\/\//.test(link)) {
        problems.push(`${link}: relative (broken on the registry's page); write ${REPO}/blob/main/...`);
        continue;
      }
      const [url, anchor] = link.split('#');
      const inRepo = /^https:\/\/github\.com\/cdk8s-traffic-lanes\/cdk8s-traffic-lanes\/(?:blob|tree)\/main\/(.+)$/.exec(url)?.[1]
        ?? (url.startsWith(RAW) ? url.slice(RAW.length) : undefined);
      if (inRepo === undefined) continue; // another site: not fetched here
      if (!fs.existsSync(path.join(ROOT, inRepo))) problems.push(`${link}: no file ${inRepo}`);
      else if (anchor !== undefined && !anchors(read(inRepo)).has(anchor)) problems.push(`${link}: no heading #${anchor} in ${inRepo}`);
    }
    expect(problems).toEqual([]);
  });

  test('the check finds a relative link, a missing file and a missing heading', () => {
    expect(links('see [a](./docs/a.md), ![i](docs/images/x.svg) and <img src="b.png">\n```\n[not](a link)\n```')).toEqual(['./docs/a.md', 'docs/images/x.svg', 'b.png']);
    expect(anchors('# Errors you may see\n## The CLI (exit 2)\n## At synth\n## At synth')).toEqual(new Set(['errors-you-may-see', 'the-cli-exit-2', 'at-synth', 'at-synth-1']));
  });
});

describe('words and versions', () => {
  test.each(PAGES)('%s speaks of the product only: ASM\'s permissive-lane scenario, never "the seed"', file => {
    // --seed is the CLI's flag for the samples' random seed, which its output names ("sampled (n=100, seed 1)")
    expect(read(file).match(/(?<!--|random )\bseed(?:'s)?\b(?! \d)/gi) ?? []).toEqual([]);
  });

  test('the README states the versions package.json requires', () => {
    const pkg = JSON.parse(read('package.json'));
    const readme = read('README.md');
    const version = (range: string) => /^(?:\^|>= )(\d+\.\d+\.\d+)$/.exec(range)![1];
    expect(readme).toContain(`cdk8s ${version(pkg.peerDependencies.cdk8s)}`);
    expect(readme).toContain(`constructs ${version(pkg.peerDependencies.constructs)}`);
    expect(readme).toContain(`Node.js ${version(pkg.engines.node)}`);
    // no other version of them stated anywhere
    for (const file of PAGES) {
      const stated = [...read(file).matchAll(/\b(cdk8s|constructs|Node\.js) (?:≥ ?|>= ?)?v?(\d+(?:\.\d+)*)\b/g)].map(m => `${m[1]} ${m[2]}`);
      const required = [`cdk8s ${version(pkg.peerDependencies.cdk8s)}`, `constructs ${version(pkg.peerDependencies.constructs)}`, `Node.js ${version(pkg.engines.node)}`];
      expect({ file, stated: stated.filter(s => !required.includes(s)) }).toEqual({ file, stated: [] });
    }
  });

  test('the README is a guide of at most 300 lines; the detail is in docs/', () => {
    expect(read('README.md').split('\n').length).toBeLessThanOrEqual(300);
  });

  test('the TSDoc of Target.GATEWAY_API says both constructs render it, as docs/gateway-api.md does', () => {
    const assembly = JSON.parse(read('.jsii'));
    const doc = assembly.types['cdk8s-traffic-lanes.Target'].members.find((m: { name: string }) => m.name === 'GATEWAY_API').docs;
    const text = `${doc.summary} ${doc.remarks ?? ''}`;
    expect(text).toContain('LaneRouting');
    expect(text).toContain('LaneGroup');
    expect(text).not.toMatch(/only, for now/);
    expect(read('docs/gateway-api.md')).toContain('LaneGroup');
  });
});

describe('docs/analyzer-codes.md', () => {
  test('lists exactly the codes the analyzers declare', () => {
    const declared = new Set(ANALYZERS.flatMap(make => make().codes));
    const table = read('docs/analyzer-codes.md').split('\n').filter(l => /^\| (IST|LANE)\d/.test(l));
    const listed = new Set(table.flatMap(l => l.split('|')[1].split(',').map(c => c.trim())));
    expect(listed).toEqual(declared);
  });
});

describe('docs/errors.md', () => {
  const base = (): any => ({
    target: Target.ASM,
    host: 'mocka.default.svc.cluster.local',
    lanes: [{ name: 's1' }, { name: 's2' }, { name: 's3' }],
    baseline: 's1',
    rules: [{ name: 'dev-route', matches: [{ headers: [HeaderMatch.exact('env', 'dev')] }], split: [{ lane: 's2', weight: 50 }, { lane: 's3', weight: 50, fallbackLane: 's1' }] }],
    gateway: { gateways: ['istio-system/ingressgateway'] },
    sidecar: {},
  });
  const rule = (r: object) => ({ name: 'dev-route', matches: [{ headers: [HeaderMatch.exact('env', 'dev')] }], ...r });
  const routing = (props: object) => new LaneRouting(new Chart(Testing.app(), 'chart'), 'mocka', { ...base(), ...props });
  const group = (props: object) => new LaneGroup(new Chart(Testing.app(), 'chart'), 'g', {
    name: 'g',
    target: Target.ISTIO,
    services: [{ name: 'mocka', namespace: 'default' }],
    baseline: 's1',
    lanes: [{ name: 's1', services: ['mocka'], podLabels: { version: 'v1' } }],
    ...props,
  });
  /** A group whose service has a baseline Deployment selecting `selector`, synthesized on 2026-12-11. */
  const withWorkload = (selector: { [k: string]: string }, lane: object = { name: 's2', services: ['mocka'], podLabels: { version: 'v2' } }) => {
    const app = Testing.app();
    const chart = new Chart(app, 'chart');
    const workload = new ApiObject(chart, 'd', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'mocka', namespace: 'default' },
      spec: { selector: { matchLabels: selector }, template: { metadata: { labels: selector }, spec: { containers: [{ name: 'a', image: 'a' }] } } },
    });
    new LaneGroup(chart, 'g', {
      name: 'g',
      target: Target.ISTIO,
      services: [{ name: 'mocka', namespace: 'default', workload }],
      baseline: 's1',
      lanes: [{ name: 's1', services: ['mocka'], podLabels: { version: 'v1' } }, lane as LaneGroupLane],
      expiry: { clock: LaneClock.fixed('2026-12-11') },
    });
    app.synthYaml();
  };
  const twoRoutings = (a: object, b: object) => {
    const app = Testing.app();
    const chart = new Chart(app, 'chart');
    new LaneRouting(chart, 'a', { ...base(), gateway: undefined, ...a });
    new LaneRouting(chart, 'b', { ...base(), gateway: undefined, ...b });
    app.synthYaml();
  };
  const cli = (file: string, text: string, ...args: string[]) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'errors-'));
    try {
      fs.writeFileSync(path.join(dir, file), text);
      const r = runCli(args[0], path.join(dir, file), ...args.slice(1));
      expect(r.code).toBe(2);
      throw new Error(r.err.split(`${dir}${path.sep}`).join(''));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  const virtualService = (weight: string) => [
    'apiVersion: networking.istio.io/v1', 'kind: VirtualService', 'metadata: {name: web, namespace: default}',
    'spec:', '  hosts: [web.default.svc.cluster.local]', '  http:', '  - route:',
    '    - destination: {host: web.default.svc.cluster.local, subset: s1}', `      weight: ${weight}`, '',
  ].join('\n');

  /** A mistake for each message the page quotes. */
  const MISTAKES: Array<() => unknown> = [
    () => routing({ lanes: [{ name: 's_1' }] }),
    () => routing({ lanes: [{ name: 's1' }, { name: 's1' }] }),
    () => routing({ lanes: [{ name: 's1', podLabels: {} }, { name: 's2' }, { name: 's3' }] }),
    () => routing({ baseline: 's9' }),
    () => routing({ destinationRule: { name: 'x' } }),
    () => routing({ target: Target.ISTIO, rules: [], lanes: [{ name: 's1', podLabels: { version: 'v1' } }, { name: 's2' }] }),
    () => group({ lanes: [{ name: 's1', services: ['mockz'], podLabels: { version: 'v1' } }] }),
    () => routing({ rules: [rule({ split: [{ lane: 's9' }] })] }),
    () => routing({ rules: [rule({ split: [{ lane: 's2', weight: 50 }, { lane: 's2', weight: 50 }] })] }),
    () => routing({ rules: [rule({ split: [{ lane: 's2', weight: 50 }, { lane: 's3' }] })] }),
    () => routing({ rules: [rule({ split: [{ lane: 's2', weight: 50.5 }, { lane: 's3', weight: 49.5 }] })] }),
    () => routing({ rules: [rule({ split: [{ lane: 's2', weight: 50 }, { lane: 's3', weight: 40 }] })] }),
    () => routing({ rules: [rule({ split: [{ lane: 's2', weight: 50 }] })] }),
    () => routing({ rules: [rule({ split: [{ lane: 's2', fallbackLane: 's2' }] })] }),
    () => routing({ target: Target.ISTIO }),
    () => routing({ rules: [rule({ split: [{ lane: 's2' }] }), rule({ split: [{ lane: 's3' }], matches: [{ headers: [HeaderMatch.exact('env', 'x')] }] })] }),
    () => routing({ rules: [rule({ name: 'base-route', split: [{ lane: 's2' }] })] }),
    () => routing({ rules: [rule({ matches: [], split: [{ lane: 's2' }] })] }),
    () => routing({ rules: [rule({ matches: [{}], split: [{ lane: 's2' }] })] }),
    () => routing({ rules: [rule({ split: [{ lane: 's2' }] }), rule({ name: 'again', split: [{ lane: 's3' }] })] }),
    () => routing({ rules: [rule({ matches: [{ uri: StringMatch.prefix('api') }], split: [{ lane: 's2' }] })] }),
    () => HeaderMatch.exact('Env', 'dev'),
    () => HeaderMatch.exact('uri', '/x'),
    () => HeaderMatch.exact(':protocol', 'x'),
    () => HeaderMatch.exact('__proto__', 'x'),
    () => StringMatch.exact(''),
    () => StringMatch.regex('a(?=b)'),
    () => routing({ routeOptions: { timeout: Duration.millis(0) } }),
    () => routing({ host: 'Mocka' }),
    () => routing({ host: 'mocka' }),
    () => routing({ port: 70000 }),
    () => routing({ gateway: undefined, sidecar: undefined }),
    () => routing({ gateway: { gateways: ['ingressgateway'] } }),
    () => routing({ gateway: { gateways: ['mesh'] } }),
    () => routing({ sidecar: { hosts: ['*'] } }),
    () => routing({ routingHeader: 'Bad Header' }),
    () => group({ propagation: Propagation.traceId('x-request-id') }),
    () => routing({ rules: [rule({ split: [{ lane: 's2', weight: 50 }, { lane: 's3', weight: '50' }] })] }),
    () => routing({ sidcar: {} }),
    () => routing({ mode: 'x' }),
    () => routing({ rules: [rule({ matches: [{ headers: [{ name: 'env', exact: 'dev' }] }], split: [{ lane: 's2' }] })] }),
    () => twoRoutings({ sidecar: { name: 'vs' } }, { sidecar: { name: 'vs' }, host: 'mockb.default.svc.cluster.local' }),
    () => twoRoutings({}, {}),
    () => group({ lanes: [{ name: 's1', services: ['mocka'], podLabels: { version: 'v1' } }, { name: 's2', services: ['mocka'], podLabels: { version: 'v2' }, workloads: { mocka: {} } }] }),
    () => group({ services: [{ name: 'mocka', namespace: 'default', workload: new ApiObject(new Chart(Testing.app(), 'c'), 's', { apiVersion: 'v1', kind: 'Service' }) }] }),
    () => group({ lanes: [{ name: 's1', services: ['mocka'], podLabels: { version: 'v1' } }, { name: 's2', services: ['mocka'], podLabels: { version: 'v2' }, expires: '2026-02-30' }] }),
    () => withWorkload({ app: 'mocka' }),
    () => withWorkload({ app: 'mocka', version: 'v1' }, { name: 'pr-123', services: ['mocka'], podLabels: { version: 'pr-123' }, expires: '2026-12-10' }),
    () => cli('bad.yaml', virtualService('"50"'), 'simulate'),
    () => cli('dep.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n', 'simulate'),
    () => cli('ok.yaml', read('test/fixtures/permissive-scenario-virtualservices.yaml'), 'simulate', '--down', 's9'),
  ];

  /** Each mistake's message. */
  const messages = MISTAKES.map((make, i) => {
    try {
      make();
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error(`mistake ${i} raised no error`);
  });

  /** The messages the page quotes: the first cell of each table row, each `...` a part left out. */
  const quoted = read('docs/errors.md').split('\n').filter(l => /^\| `/.test(l))
    .flatMap(l => [...l.split(' | ')[0].matchAll(/`([^`]+)`/g)].map(m => m[1]));

  /** True when `message` holds the quote's parts in order. */
  const holds = (message: string, quote: string) => {
    let at = 0;
    for (const part of quote.split('...').map(p => p.trim()).filter(Boolean)) {
      const found = message.indexOf(part, at);
      if (found < 0) return false;
      at = found + part.length;
    }
    return true;
  };

  test.each(quoted.map(q => [q]))('%s', quote => {
    expect(messages.filter(m => holds(m, quote))).not.toEqual([]);
  });

  test('every mistake of the test is quoted on the page, and a quote no message holds is found', () => {
    expect(messages.filter(m => !quoted.some(q => holds(m, q)))).toEqual([]);
    expect(quoted.length).toBeGreaterThanOrEqual(45);
    expect(holds('rule "dev-route" lane "s3" needs a weight: every lane', 'rule "dev-route" lane "s3" needs a weight')).toBe(true);
    expect(holds('gateway.gateways[0] must be "namespace/name" with both parts, got "x"', 'gateway.gateways[0] must be "namespace/name" ..., got "x"')).toBe(true);
    expect(holds('lane "s1" podLabels is empty', 'lane "s2" podLabels is empty')).toBe(false);
    expect(holds('b then a', 'a ... b')).toBe(false);
  });
});
