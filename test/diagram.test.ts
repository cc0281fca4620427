/**
 * Diagrams: one box per VirtualService with its rules in order, edges labelled by share and lane marker,
 * fallbacks dashed; chains as swimlanes; filters; Mermaid, Markdown and SVG (Graphviz, no browser). The
 * example apps' diagrams are drawn to SVG and their node and edge labels asserted.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing, Yaml } from 'cdk8s';
import { runCli, runCliAsync, synth } from './helpers';
import { MockChain } from '../examples/chain';
import { MockaLanes, SCENARIOS } from '../examples/scenarios';
import { CHAIN_LANES_SVG, chainLanesSvg } from '../scripts/docs-images';
import { DiagramFormat, HeaderMatch, LaneRouting, LaneSimulator, Target } from '../src';

const reference = () => LaneSimulator.fromConstruct(new MockaLanes(Testing.app(), 'mocka-lanes', SCENARIOS.permissive));
const chain = (target: Target) => LaneSimulator.fromConstruct(new MockChain(Testing.app(), 'mock-chain', { target }));

/** `n` services with two lanes, each routed by a LaneRouting (a sidecar VirtualService). */
function addServices(chart: Chart, n: number): void {
  for (let i = 0; i < n; i++) {
    new LaneRouting(chart, `svc${i}`, {
      target: Target.ISTIO,
      host: `svc${i}.default.svc.cluster.local`,
      lanes: [{ name: 's1' }, { name: 's2' }],
      baseline: 's1',
      rules: [{ name: 'dev', matches: [{ headers: [HeaderMatch.exact('env', 'dev')] }], split: [{ lane: 's2' }] }],
      sidecar: {},
    });
  }
}

/** The host of service `svc` in namespace default. */
const host = (svc: string) => `${svc}.default.svc.cluster.local`;

/** A destination: service `svc` (its subset, if given), with more of its fields (headers, weight, fallback). */
function dest(svc: string, subset?: string, more: object = {}): object {
  return { destination: { host: host(svc), ...(subset !== undefined ? { subset } : {}) }, ...more };
}

/** The headers a destination sets on the request. */
const sets = (headers: { [name: string]: string }) => ({ headers: { request: { set: headers } } });

/** An ASM fallback: subset `subset` of `svc` serves while the destination has no healthy endpoints. */
const fallback = (svc: string, subset: string) => ({ fallback: { target: { host: host(svc), subset } } });

/** Match blocks, one per header value: `header` exactly `value`. */
const exact = (header: string, ...values: string[]) => values.map(value => ({ headers: { [header]: { exact: value } } }));

/** The ingress VirtualService istio-system/edge (bound to the ingress gateway, every host) with these routes. */
const ingress = (http: object[]) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'edge', namespace: 'istio-system' },
  spec: { gateways: ['istio-system/ingressgateway'], hosts: ['*'], http },
});

/** The sidecar VirtualService of service `svc` with these routes. */
const sidecar = (svc: string, http: object[]) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: svc, namespace: 'default' },
  spec: { hosts: [host(svc)], http },
});

/** The DestinationRule of service `svc`: its subsets, each with its pod labels. */
const subsets = (svc: string, labels: { [subset: string]: { [label: string]: string } }) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: svc, namespace: 'default' },
  spec: { host: host(svc), subsets: Object.entries(labels).map(([name, l]) => ({ name, labels: l })) },
});

/** A simulator of these objects, read as the YAML file `file`. */
const read = (file: string, ...objects: object[]) => LaneSimulator.fromYaml(Yaml.stringify(...objects), file);

/**
 * A chain whose routes name no rule and set no lane marker: the ingress sends env=dev to mocka's s2, every
 * other request to its s3, which no DestinationRule defines, so its fallback s1 serves them; mockb has no VirtualService.
 */
const unmarked = () => read('unmarked.yaml',
  ingress([{ match: exact('env', 'dev'), route: [dest('mocka', 's2')] }, { route: [dest('mocka', 's3', fallback('mocka', 's1'))] }]),
  subsets('mocka', { s1: { version: 'v1' }, s2: { version: 'v2' } }),
  subsets('mockb', { s1: { version: 'v1' } }),
);

/** Two rules of web's sidecar VirtualService send their requests to s3, with the same fallback; read from a Windows path. */
const sharedFallback = () => read('C:\\lanes\\web.yml', sidecar('web', [
  { name: 'r&d', match: exact('x-team', 'R&D'), route: [dest('web', 's3', fallback('web', 's1'))] },
  { name: 'qa', match: exact('x-team', 'qa'), route: [dest('web', 's3', fallback('web', 's1'))] },
  { name: 'rest', route: [dest('web', 's1')] },
]));

/** The boxes of a Mermaid flowchart: subgraph label → the labels of its nodes, by id. */
function mermaidBoxes(text: string): Array<{ label: string; nodes: Map<string, string> }> {
  const boxes: Array<{ label: string; nodes: Map<string, string> }> = [];
  for (const line of text.split('\n')) {
    const box = /^ {2}subgraph \w+\["(.*)"\]$/.exec(line);
    if (box) boxes.push({ label: box[1], nodes: new Map() });
    const node = /^ {4}(\w+)\W+"(.*)"\W+$/.exec(line);
    if (node && !line.includes('direction')) boxes[boxes.length - 1].nodes.set(node[1], node[2]);
  }
  return boxes;
}

/** The edges of a Mermaid flowchart: [from label, edge label, to label, dashed]. */
function mermaidEdges(text: string): Array<[string, string, string, boolean]> {
  const labels = new Map(mermaidBoxes(text).flatMap(b => [...b.nodes]));
  return text.split('\n').flatMap(line => {
    const solid = /^ {2}(\w+) -- "(.*)" --> (\w+)$/.exec(line);
    const dashed = /^ {2}(\w+) -\. "(.*)" \.-> (\w+)$/.exec(line);
    const m = solid ?? dashed;
    return m ? [[labels.get(m[1])!, m[2], labels.get(m[3])!, !!dashed] as [string, string, string, boolean]] : [];
  });
}

/** SVG text with its entities decoded. */
function svgDecode(s: string): string {
  return s.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The text of an SVG as drawn (entities decoded), each text element with its vertical position. */
function svgTexts(svg: string): Array<{ y: number; text: string }> {
  return [...svg.matchAll(/<text[^>]* y="([-0-9.]+)"[^>]*>([^<]*)<\/text>/g)].map(m => ({ y: Number(m[1]), text: svgDecode(m[2]) }));
}

/** The nodes of an SVG by name: the SVG of each, and its text as drawn, a line per text element. */
function svgNodes(svg: string): Map<string, { body: string; text: string }> {
  return new Map([...svg.matchAll(/<g id="node\d+" class="node">\s*<title>([^<]*)<\/title>([\s\S]*?)<\/g>/g)]
    .map(m => [svgDecode(m[1]), { body: m[2], text: svgTexts(m[2]).map(t => t.text).join('\n') }]));
}

/** The rows of a table node (a box's rules): the first line of each, in bold, and the middle of the row's right side. */
function svgRows(svg: string, node: string): Array<{ head: string; east: [number, number] }> {
  const body = svgNodes(svg).get(node)!.body;
  const heads = [...body.matchAll(/<text[^>]* y="([-0-9.]+)"[^>]* font-weight="bold"[^>]*>([^<]*)<\/text>/g)].map(m => ({ y: Number(m[1]), text: svgDecode(m[2]) }));
  return [...body.matchAll(/<polygon fill="none" stroke="black" points="([^"]*)"/g)].map(m => {
    const points = m[1].split(' ').map(p => p.split(',').map(Number));
    const [top, bottom] = [Math.min(...points.map(p => p[1])), Math.max(...points.map(p => p[1]))];
    const east: [number, number] = [Math.max(...points.map(p => p[0])), (top + bottom) / 2];
    return { head: heads.find(h => h.y > top && h.y < bottom)!.text, east };
  });
}

/** The edges of an SVG: the nodes they join by name (an edge leaving a row of a table names the table), where the line starts, dashed or not, the label. */
function svgEdges(svg: string): Array<{ from: string; to: string; start: [number, number]; dashed: boolean; label?: string }> {
  return [...svg.matchAll(/<g id="edge\d+" class="edge">\s*<title>([^<]*)<\/title>\s*<path ([^>]*?)d="M([-0-9.]+),([-0-9.]+)[^>]*>([\s\S]*?)<\/g>/g)].map(m => {
    const [from, to] = svgDecode(m[1]).split('->').map(end => end.split(':')[0]);
    const label = svgTexts(m[5]).map(t => t.text).join('\n');
    return { from, to, start: [Number(m[3]), Number(m[4])] as [number, number], dashed: m[2].includes('stroke-dasharray'), ...(label ? { label } : {}) };
  });
}

describe('the routing diagram', () => {
  test('permissive: one box per VirtualService, rules in order, edges by share and lane marker, the fallback dashed', () => {
    const text = reference().diagram();
    const boxes = mermaidBoxes(text);
    expect(boxes.map(b => b.label)).toEqual([
      'VirtualService istio-system/swimlane-ingress-vs-custom<br/>gateways: istio-system/ingressgateway; hosts: *',
      'VirtualService istio-system/swimlane-sidecar-vs-custom<br/>mesh (sidecars); hosts: mocka.default.svc.cluster.local',
    ]);
    // each box has its own rules and backends: the gateway and the sidecar do not share lane nodes
    for (const b of boxes) {
      expect([...b.nodes.values()]).toEqual([
        '1. dev-route<br/>env exact #quot;dev#quot;', 'mocka/s2', 'mocka/s3', 'mocka/s1', '2. base-route<br/>any request',
      ]);
    }
    const edges = mermaidEdges(text);
    const gateway = edges.slice(0, edges.length / 2);
    expect(gateway).toEqual([
      ['1. dev-route<br/>env exact #quot;dev#quot;', '50% · x-asm-prefer-tag: s2', 'mocka/s2', false],
      ['1. dev-route<br/>env exact #quot;dev#quot;', '50% · x-asm-prefer-tag: s3', 'mocka/s3', false],
      ['mocka/s3', 'fallback (no healthy endpoints)', 'mocka/s1', true],
      ['2. base-route<br/>any request', '100% · x-asm-prefer-tag: s1', 'mocka/s1', false],
    ]);
    expect(edges.slice(edges.length / 2)).toEqual(gateway);
    // every edge stays inside one box
    const boxOf = new Map(boxes.flatMap((b, i) => [...b.nodes.keys()].map(id => [id, i] as [string, number])));
    for (const line of text.split('\n').filter(l => l.includes('->'))) {
      const [from, to] = [line.trim().split(' ')[0], line.trim().split(' ').pop()!];
      expect(boxOf.get(from)).toBe(boxOf.get(to));
    }
  });

  test('a lane the baseline serves shows its lane marker, unlike the default route', () => {
    // mockb has no s2: ASM's routing for it sends lane s2 to the baseline, marked s2
    const edges = mermaidEdges(chain(Target.ASM).diagram({ host: 'mockb' }));
    expect(edges).toContainEqual(['1. lane-s2<br/>x-asm-prefer-tag exact #quot;s2#quot;', '100% · x-asm-prefer-tag: s2', 'mockb/s1', false]);
    expect(edges).toContainEqual(['3. base-route<br/>any request', '100% · x-asm-prefer-tag: s1', 'mockb/s1', false]);
  });

  test('ASM-generated routing is labelled as explain labels it, not with a VirtualService of the input', () => {
    const sim = chain(Target.ASM);
    const labels = mermaidBoxes(sim.diagram()).map(b => b.label.split('<br/>')[0]);
    const titles = sim.explain().split('\n').filter(l => l !== '' && !l.startsWith(' ') && !l.startsWith('propagation:'));
    expect(labels).toEqual(titles);
    expect(labels[1]).toBe('ASMSwimLaneGroup mock: ASM-generated VirtualService istio-system/trafficlabel-vs-mock-default-mocka');
  });

  test('--lane keeps the destinations of one lane; an unknown lane is an error that lists the lanes', () => {
    const edges = mermaidEdges(reference().diagram({ lane: 's3' }));
    expect(edges.map(e => e[1])).toEqual(['50% · x-asm-prefer-tag: s3', 'fallback (no healthy endpoints)', '50% · x-asm-prefer-tag: s3', 'fallback (no healthy endpoints)']);
    expect(() => reference().diagram({ lane: 's9' })).toThrow('diagram: lane "s9" is no subset or lane marker of the routes read (subsets: s1, s2, s3)');
  });

  test('Markdown: the flowchart in a fenced block', () => {
    const sim = reference();
    expect(sim.diagram({ format: DiagramFormat.MARKDOWN })).toBe(`\`\`\`mermaid\n${sim.diagram()}\`\`\`\n`);
  });

  test('a 1,000-service mesh filtered by --host gives a picture of that host alone', () => {
    const chart = Testing.chart();
    addServices(chart, 1000);
    const sim = LaneSimulator.fromConstruct(chart);
    const boxes = mermaidBoxes(sim.diagram({ host: 'svc7' }));
    expect(boxes.map(b => b.label.split('<br/>')[1])).toEqual(['mesh (sidecars); hosts: svc7.default.svc.cluster.local']);
    expect([...boxes[0].nodes.values()]).toEqual(['1. dev<br/>env exact #quot;dev#quot;', 'svc7/s2', '2. base-route<br/>any request', 'svc7/s1']);
    // unfiltered, it is too large to draw as SVG, and says how to filter it
    return expect(sim.diagramSvg()).rejects.toThrow('LaneSimulator.diagramSvg(): the diagram has 4000 nodes; SVG is drawn for at most 2000: filter it with host, lane or chain');
  });
});

describe('chains as swimlanes', () => {
  test.each([Target.ISTIO, Target.ASM])('%s: one row per lane, its services in call order and what serves them', (target) => {
    const text = chain(target).diagram({ chain: ['mocka', 'mockb', 'mockc'] });
    const boxes = mermaidBoxes(text);
    expect(boxes.map(b => b.label)).toEqual(['lane s1<br/>env absent<br/>env: ~', 'lane s2<br/>env: dev (50%)', 'lane s3<br/>env: dev (50%)']);
    expect(boxes.map(b => [...b.nodes.values()])).toEqual([
      ['enters istio-system/mock-ingress', 'mocka<br/>s1 (version: v1)', 'mockb<br/>s1 (version: v1)', 'mockc<br/>s1 (version: v1)'],
      ['enters istio-system/mock-ingress', 'mocka<br/>s2 (version: v2)', 'mockb<br/>s1 (version: v1)', 'mockc<br/>s2 (version: v2)'],
      ['enters istio-system/mock-ingress', 'mocka<br/>s1 (version: v1)', 'mockb<br/>s3 (version: v3)', 'mockc<br/>s1 (version: v1)'],
    ]);
    // the lane marker each request carries to the next service
    const s3 = mermaidEdges(text).filter(e => e[0].startsWith('mocka<br/>s1') && e[1].endsWith('s3'));
    expect(s3).toEqual([['mocka<br/>s1 (version: v1)', 'x-asm-prefer-tag: s3', 'mockb<br/>s3 (version: v3)', false]]);
  });

  test('a fallback along the chain is dashed and named; --lane keeps one row', () => {
    const text = reference().diagram({ chain: ['mocka'], lane: 's3' });
    expect(mermaidBoxes(text).map(b => [b.label, ...b.nodes.values()])).toEqual([['lane s3<br/>env: dev (50%)', 'enters istio-system/swimlane-ingress-vs-custom', 'mocka<br/>s3']]);
    expect(() => reference().diagram({ chain: ['mocka'], lane: 's9' })).toThrow('diagram: no request enters lane "s9" at istio-system/swimlane-ingress-vs-custom (lanes: s1, s2, s3)');
    expect(() => reference().diagram({ chain: ['mocka'], host: 'mocka' })).toThrow('diagram: give host or chain, not both');
  });
});

describe('SVG, laid out by Graphviz without a browser', () => {
  test('permissive: the boxes top down in order, rules in order, every share, marker and fallback drawn', async () => {
    const texts = svgTexts(await reference().diagramSvg());
    const shown = texts.map(t => t.text);
    for (const label of ['1. dev-route', 'env exact "dev"', '2. base-route', 'any request', 'mocka/s2', 'mocka/s3', 'mocka/s1',
      '50% · x-asm-prefer-tag: s2', '50% · x-asm-prefer-tag: s3', '100% · x-asm-prefer-tag: s1', 'fallback (no healthy endpoints)']) {
      expect(shown.filter(t => t === label)).toHaveLength(2); // once per box
    }
    const y = (text: string) => texts.filter(t => t.text === text).map(t => t.y);
    const [gatewayTitle, sidecarTitle] = [y('VirtualService istio-system/swimlane-ingress-vs-custom')[0], y('VirtualService istio-system/swimlane-sidecar-vs-custom')[0]];
    expect(gatewayTitle).toBeLessThan(sidecarTitle);
    const [dev, base] = [y('1. dev-route'), y('2. base-route')];
    expect(dev[0]).toBeLessThan(base[0]);
  });

  test('a rule\'s row: its name on the first line, its match on the line below, before the next rule', async () => {
    const texts = svgTexts(await sharedFallback().diagramSvg());
    const y = (text: string) => texts.filter(t => t.text === text).map(t => t.y);
    const lines = [y('1. r&d'), y('x-team exact "R&D"'), y('2. qa'), y('x-team exact "qa"'), y('3. rest'), y('any request')];
    expect(lines.map(l => l.length)).toEqual([1, 1, 1, 1, 1, 1]);
    const ys = lines.map(([v]) => v);
    // each line strictly below the one before it
    expect(ys.slice(1).map((v, i) => v > ys[i])).toEqual([true, true, true, true, true]);
  });

  test.each(Object.keys(SCENARIOS))('example %s: every node and edge label of the diagram is drawn', async (name) => {
    const sim = LaneSimulator.fromConstruct(new MockaLanes(Testing.app(), 'mocka-lanes', SCENARIOS[name]));
    const drawn = svgTexts(await sim.diagramSvg()).map(t => t.text);
    const decode = (l: string) => l.replace(/#quot;/g, '"').replace(/#lt;/g, '<').replace(/#gt;/g, '>');
    const labels = mermaidBoxes(sim.diagram()).flatMap(b => [...b.nodes.values()]).flatMap(l => l.split('<br/>')).map(decode);
    const edges = mermaidEdges(sim.diagram()).map(e => decode(e[1]));
    expect(labels.length).toBeGreaterThan(0);
    expect(edges.length).toBeGreaterThan(0);
    for (const l of [...labels, ...edges]) expect(drawn).toContain(l);
  });

  test('the chain examples: a row per lane, top down, with the marker carried to each service', async () => {
    for (const target of [Target.ISTIO, Target.ASM]) {
      const texts = svgTexts(await chain(target).diagramSvg({ chain: ['mocka', 'mockb', 'mockc'] }));
      const rows = texts.filter(t => /^lane s\d$/.test(t.text)).sort((a, b) => a.y - b.y).map(t => t.text);
      expect(rows).toEqual(['lane s1', 'lane s2', 'lane s3']);
      for (const lane of ['s1', 's2', 's3']) expect(texts.filter(t => t.text === `x-asm-prefer-tag: ${lane}`)).toHaveLength(2);
      expect(texts.map(t => t.text)).toEqual(expect.arrayContaining(['s3 (version: v3)', 's2 (version: v2)', 'enters istio-system/mock-ingress']));
    }
  });

  test('labels are drawn as written: quotes, angle brackets and backslashes of a regex', async () => {
    const chart = Testing.chart();
    new LaneRouting(chart, 'r', {
      target: Target.ISTIO,
      host: 'web.default.svc.cluster.local',
      lanes: [{ name: 's1' }, { name: 's2' }],
      baseline: 's1',
      sidecar: {},
      rules: [{ name: 'beta', matches: [{ headers: [HeaderMatch.regex('x-user', '<a>"\\d+\\n')] }], split: [{ lane: 's2' }] }],
    });
    const texts = svgTexts(await LaneSimulator.fromConstruct(chart).diagramSvg()).map(t => t.text);
    expect(texts).toContain('x-user regex "<a>\\"\\\\d+\\\\n"');
  });

  test('the README\'s image is the chain example as drawn now (`npx projen docs:images` redraws it)', async () => {
    const committed = fs.readFileSync(CHAIN_LANES_SVG, 'utf-8');
    expect(committed).toBe(await chainLanesSvg());
  });

  test('format belongs to diagram(); diagramSvg() refuses it', async () => {
    await expect(reference().diagramSvg({ format: DiagramFormat.MARKDOWN })).rejects.toThrow('LaneSimulator.diagramSvg(): options.format is for diagram(); diagramSvg() draws SVG, got "markdown"');
  });

  test('each rule\'s edges leave the middle of the right side of its row; a fallback is dashed; &, quotes and a Windows path drawn as written', async () => {
    const svg = await sharedFallback().diagramSvg();
    expect(svgTexts(svg).map(t => t.text).sort()).toEqual([
      'C:\\lanes\\web.yml', 'VirtualService default/web', 'mesh (sidecars); hosts: web.default.svc.cluster.local',
      '1. r&d', 'x-team exact "R&D"', '2. qa', 'x-team exact "qa"', '3. rest', 'any request',
      'web/s3', 'web/s1', '100%', '100%', '100%', 'fallback (no healthy endpoints)',
    ].sort());
    const nodes = svgNodes(svg);
    const rows = svgRows(svg, 'vs0_rules');
    expect(rows.map(r => r.head)).toEqual(['1. r&d', '2. qa', '3. rest']);
    const near = (a: [number, number], b: [number, number]) => Math.abs(a[0] - b[0]) < 0.5 && Math.abs(a[1] - b[1]) < 0.5;
    const drawn = svgEdges(svg).map(e => [
      e.from === 'vs0_rules' ? rows.find(r => near(r.east, e.start))?.head : nodes.get(e.from)?.text, nodes.get(e.to)?.text, e.label, e.dashed,
    ]);
    expect(drawn.sort()).toEqual([
      ['1. r&d', 'web/s3', '100%', false],
      ['2. qa', 'web/s3', '100%', false],
      ['3. rest', 'web/s1', '100%', false],
      ['web/s3', 'web/s1', 'fallback (no healthy endpoints)', true],
    ]);
  });

  test('a chain\'s unlabelled edges are drawn, its fallback dashed', async () => {
    const svg = await unmarked().diagramSvg({ chain: ['mocka', 'mockb'] });
    const nodes = svgNodes(svg);
    expect(svgEdges(svg).map(e => [nodes.get(e.from)?.text, nodes.get(e.to)?.text, e.label, e.dashed]).sort()).toEqual([
      ['enters istio-system/edge', 'mocka\ns1 (version: v1), by fallback', undefined, true],
      ['enters istio-system/edge', 'mocka\ns2 (version: v2)', undefined, false],
      ['mocka\ns1 (version: v1), by fallback', 'mockb\n(any endpoint)', 'x-asm-prefer-tag: (unset)', false],
      ['mocka\ns2 (version: v2)', 'mockb\n(any endpoint)', 'x-asm-prefer-tag: (unset)', false],
    ]);
  });
});

describe('cdk8s-lanes diagram on the built binary', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diagram-'));
    fs.writeFileSync(path.join(dir, 'chain.yaml'), Yaml.stringify(...synth(new MockChain(Testing.app(), 'mock-chain', { target: Target.ASM }))));
    const chart = new Chart(Testing.app(), 'mesh');
    addServices(chart, 300);
    fs.writeFileSync(path.join(dir, 'mesh.yaml'), Yaml.stringify(...chart.toJson()));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('--format svg, markdown and mermaid; --chain; --lane', async () => {
    const file = path.join(dir, 'chain.yaml');
    const svg = await runCliAsync('diagram', file, '--chain', 'mocka,mockb,mockc', '--lane', 's3', '--format', 'svg');
    expect(svg.code).toBe(0);
    expect(svg.out).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*<\/svg>\n$/);
    expect(svgTexts(svg.out).map(t => t.text)).toEqual(expect.arrayContaining(['lane s3', 's3 (version: v3)']));
    expect(svgTexts(svg.out).map(t => t.text)).not.toContain('lane s2');
    expect(runCli('diagram', file, '--format', 'markdown').out).toMatch(/^```mermaid\nflowchart LR\n[\s\S]*\n```\n$/);
    expect(runCli('diagram', file, '--format', 'png')).toMatchObject({ code: 2, err: expect.stringMatching(/^cdk8s-lanes: --format needs mermaid, markdown or svg, got "png"/) });
  });

  test('a diagram too large for Mermaid says so, and how to filter it; --host gives one host', () => {
    const file = path.join(dir, 'mesh.yaml');
    const all = runCli('diagram', file);
    expect(all.code).toBe(0);
    expect(all.err).toMatch(/^note: the diagram has 600 edges and [\d,]+ characters; Mermaid renders at most 500 edges and 50,000 characters by default \(its maxEdges and maxTextSize settings\): filter it with --host, --lane or --chain\n$/);
    const one = runCli('diagram', file, '--host', 'svc42');
    expect(one.err).toBe('');
    expect(mermaidBoxes(one.out).map(b => b.label.split('<br/>'))).toEqual([
      [file, 'VirtualService default/mesh-svc42-sidecarvirtualservice-c869e6b0', 'mesh (sidecars); hosts: svc42.default.svc.cluster.local'],
    ]);
  });
});

describe('the routing diagram, line by line', () => {
  const yaml = [
    'apiVersion: networking.istio.io/v1',
    'kind: VirtualService',
    'metadata: {name: edge, namespace: x}',
    'spec:',
    '  hosts: [a.x.svc.cluster.local]',
    '  http:',
    '    - match: [{headers: {x-q: {exact: \'say "hi" <now>\'}}}]',
    '      route:',
    '        - {destination: {host: a.x.svc.cluster.local, subset: s2, port: {number: 8080}}, weight: 25, headers: {request: {add: {baggage: lane=s2}}}}',
    '        - {destination: {host: a.x.svc.cluster.local}, weight: 75}',
    '        - {destination: {host: a.x.svc.cluster.local, subset: s3}, weight: 0}',
    '    - name: rest',
    '      route: [{destination: {host: b.x.svc.cluster.local, subset: s1}, headers: {request: {set: {x-lane: s1}}}}]',
  ].join('\n');
  const sim = LaneSimulator.fromYaml(yaml, 'edge.yaml');
  const title = '  subgraph vs0["edge.yaml<br/>VirtualService x/edge<br/>mesh (sidecars); hosts: a.x.svc.cluster.local"]';
  const rule1 = '    vs0r0{{"1. (unnamed)<br/>x-q exact #quot;say \\#quot;hi\\#quot; #lt;now#gt;#quot;"}}';

  test('unnamed rules, ports, any endpoint, added and set headers, quotes and angle brackets escaped; a 0-weight destination left out', () => {
    expect(sim.diagram().split('\n')).toEqual([
      'flowchart LR', title, '    direction LR', rule1,
      '    vs0b0(["a/s2:8080"])',
      '    vs0b1(["a/(any)"])',
      '    vs0r1{{"2. rest<br/>any request"}}',
      '    vs0b2(["b/s1"])',
      '  end',
      '  vs0r0 -- "25% · baggage += lane=s2" --> vs0b0',
      '  vs0r0 -- "75%" --> vs0b1',
      '  vs0r1 -- "100% · x-lane: s1" --> vs0b2',
      '',
    ]);
  });

  test('a lane: the destinations of its subset or of the lane entry they add; a host: the rules that route to it', () => {
    expect(sim.diagram({ lane: 's2' }).split('\n')).toEqual([
      'flowchart LR', title, '    direction LR', rule1, '    vs0b0(["a/s2:8080"])', '  end', '  vs0r0 -- "25% · baggage += lane=s2" --> vs0b0', '',
    ]);
    expect(sim.diagram({ host: 'b' }).split('\n')).toEqual([
      'flowchart LR', title, '    direction LR', '    vs0r1{{"2. rest<br/>any request"}}', '    vs0b0(["b/s1"])', '  end', '  vs0r1 -- "100% · x-lane: s1" --> vs0b0', '',
    ]);
  });
});

test('the chain as swimlanes, line by line: a row per lane in name order, the marker carried on each edge, a fallback dashed', () => {
  const sim = LaneSimulator.fromYaml(fs.readFileSync(path.join(__dirname, 'fixtures', 'mock-chain.yaml'), 'utf-8'), 'chain.yaml');
  const enters = (i: number) => `    lane${i}s>"enters istio-system/swimlane-ingress-vs-custom"]`;
  const hop = (lane: number, i: number, service: string, served: string) => `    lane${lane}h${i}(["${service}<br/>${served}"])`;
  expect(sim.diagram({ chain: ['mocka', 'mockb', 'mockc'] }).split('\n')).toEqual([
    'flowchart LR',
    '  subgraph lane0["lane s1<br/>env absent<br/>env: ~"]', '    direction LR', enters(0),
    hop(0, 0, 'mocka', 's1 (version: v1)'), hop(0, 1, 'mockb', 's1 (version: v1)'), hop(0, 2, 'mockc', 's1 (version: v1)'), '  end',
    '  subgraph lane1["lane s2<br/>env: dev (50%)"]', '    direction LR', enters(1),
    hop(1, 0, 'mocka', 's2 (version: v2)'), hop(1, 1, 'mockb', 's1 (version: v1)'), hop(1, 2, 'mockc', 's2 (version: v2)'), '  end',
    '  subgraph lane2["lane s3<br/>env: dev (50%)"]', '    direction LR', enters(2),
    hop(2, 0, 'mocka', 's1 (version: v1), by fallback'), hop(2, 1, 'mockb', 's3 (version: v3)'), hop(2, 2, 'mockc', 's1 (version: v1)'), '  end',
    '  lane0s -- "rule base-route" --> lane0h0',
    '  lane0h0 -- "x-asm-prefer-tag: s1" --> lane0h1',
    '  lane0h1 -- "x-asm-prefer-tag: s1" --> lane0h2',
    '  lane1s -- "rule dev-route" --> lane1h0',
    '  lane1h0 -- "x-asm-prefer-tag: s2" --> lane1h1',
    '  lane1h1 -- "x-asm-prefer-tag: s2" --> lane1h2',
    '  lane2s -. "rule dev-route" .-> lane2h0',
    '  lane2h0 -- "x-asm-prefer-tag: s3" --> lane2h1',
    '  lane2h1 -- "x-asm-prefer-tag: s3" --> lane2h2',
    '',
  ]);
});

describe('the chain as swimlanes, line by line: failures, markers, request classes', () => {
  test('a request whose subset has no healthy endpoints and no fallback is drawn as a 503 that ends its row', () => {
    const sim = read('a.yaml',
      ingress([{ name: 'dev', route: [dest('mocka', 's3', sets({ 'x-asm-prefer-tag': 's3' }))] }]),
      subsets('mocka', { s1: { version: 'v1' } }),
    );
    const [chainPath] = sim.simulateChain(['mocka'], {});
    expect(chainPath.trace).toBe('mocka(503)');
    const hop = chainPath.hops[0];
    expect([hop.failed, hop.status]).toEqual([true, 503]);
    expect(sim.diagram({ chain: ['mocka'] }).split('\n')).toContain('    lane0h0[["mocka<br/>503 no healthy endpoints"]]');
  });

  test('a request no rule matches is drawn as a 404 that ends its row; one the entry does not route enters no lane', () => {
    const sim = read('a.yaml',
      ingress([
        { name: 'dev', match: exact('env', 'dev'), route: [dest('mocka', 's2', sets({ 'x-asm-prefer-tag': 's2' }))] },
        { name: 'qa', match: exact('env', 'qa'), route: [dest('mocka', 's1', sets({ 'x-asm-prefer-tag': 's3' }))] },
      ]),
      sidecar('mockb', [{ name: 'lane-s2', match: exact('x-asm-prefer-tag', 's2'), route: [dest('mockb', 's2')] }]),
      subsets('mocka', { s1: { version: 'v1' }, s2: { version: 'v2' } }),
      subsets('mockb', { s2: { version: 'v2' } }),
    );
    expect(sim.diagram({ chain: ['mocka', 'mockb'] }).split('\n')).toEqual([
      'flowchart LR',
      '  subgraph lane0["lane (no lane)<br/>env absent<br/>env: ~"]', '    direction LR',
      '    lane0s>"enters istio-system/edge"]',
      '    lane0h0[["mocka<br/>404 no rule matched"]]',
      '  end',
      '  subgraph lane1["lane s2<br/>env: dev"]', '    direction LR',
      '    lane1s>"enters istio-system/edge"]',
      '    lane1h0(["mocka<br/>s2 (version: v2)"])',
      '    lane1h1(["mockb<br/>s2 (version: v2)"])',
      '  end',
      '  subgraph lane2["lane s3<br/>env: qa"]', '    direction LR',
      '    lane2s>"enters istio-system/edge"]',
      '    lane2h0(["mocka<br/>s1 (version: v1)"])',
      '    lane2h1[["mockb<br/>404 no rule matched"]]',
      '  end',
      '  lane0s --> lane0h0',
      '  lane1s -- "rule dev" --> lane1h0',
      '  lane1h0 -- "x-asm-prefer-tag: s2" --> lane1h1',
      '  lane2s -- "rule qa" --> lane2h0',
      '  lane2h0 -- "x-asm-prefer-tag: s3" --> lane2h1',
      '',
    ]);
  });

  test('routes that name no rule and set no marker: entry edges unlabelled (a fallback dashed), the marker "(unset)", any endpoint where no VirtualService routes; rows in lane order', () => {
    expect(unmarked().diagram({ chain: ['mocka', 'mockb'] }).split('\n')).toEqual([
      'flowchart LR',
      // requests without env enter lane s3 first; the rows are in lane order all the same
      '  subgraph lane0["lane s2<br/>env: dev"]', '    direction LR',
      '    lane0s>"enters istio-system/edge"]',
      '    lane0h0(["mocka<br/>s2 (version: v2)"])',
      '    lane0h1(["mockb<br/>(any endpoint)"])',
      '  end',
      '  subgraph lane1["lane s3<br/>env absent<br/>env: ~"]', '    direction LR',
      '    lane1s>"enters istio-system/edge"]',
      '    lane1h0(["mocka<br/>s1 (version: v1), by fallback"])',
      '    lane1h1(["mockb<br/>(any endpoint)"])',
      '  end',
      '  lane0s --> lane0h0',
      '  lane0h0 -- "x-asm-prefer-tag: (unset)" --> lane0h1',
      '  lane1s -.-> lane1h0',
      '  lane1h0 -- "x-asm-prefer-tag: (unset)" --> lane1h1',
      '',
    ]);
  });

  test('a lane\'s title names at most three classes of requests and counts the others (one class, or several)', () => {
    const sim = read('classes.yaml',
      ingress([
        { name: 'beta', match: exact('user', 'alice', 'bob', 'carol', 'chuck'), route: [dest('mocka', 's2')] },
        { name: 'qa', match: exact('user', 'dave', 'erin', 'frank', 'grace', 'heidi'), route: [dest('mocka', 's3')] },
        { name: 'base', route: [dest('mocka', 's1')] },
      ]),
      subsets('mocka', { s1: { version: 'v1' }, s2: { version: 'v2' }, s3: { version: 'v3' } }),
    );
    expect(sim.diagram({ chain: ['mocka'] }).split('\n')).toEqual([
      'flowchart LR',
      '  subgraph lane0["lane s1<br/>user absent<br/>user: ~"]', '    direction LR',
      '    lane0s>"enters istio-system/edge"]', '    lane0h0(["mocka<br/>s1 (version: v1)"])', '  end',
      '  subgraph lane1["lane s2<br/>user: alice<br/>user: bob<br/>user: carol<br/>and 1 more class of requests"]', '    direction LR',
      '    lane1s>"enters istio-system/edge"]', '    lane1h0(["mocka<br/>s2 (version: v2)"])', '  end',
      '  subgraph lane2["lane s3<br/>user: dave<br/>user: erin<br/>user: frank<br/>and 2 more classes of requests"]', '    direction LR',
      '    lane2s>"enters istio-system/edge"]', '    lane2h0(["mocka<br/>s3 (version: v3)"])', '  end',
      '  lane0s -- "rule base" --> lane0h0',
      '  lane1s -- "rule beta" --> lane1h0',
      '  lane2s -- "rule qa" --> lane2h0',
      '',
    ]);
  });

  test('a lane\'s title with exactly three classes of requests counts no others', () => {
    const sim = read('three.yaml',
      ingress([{ name: 'beta', match: exact('user', 'alice', 'bob', 'carol'), route: [dest('mocka', 's2')] }, { name: 'base', route: [dest('mocka', 's1')] }]),
      subsets('mocka', { s1: { version: 'v1' }, s2: { version: 'v2' } }),
    );
    expect(sim.diagram({ chain: ['mocka'] }).split('\n').filter(l => l.startsWith('  subgraph'))).toEqual([
      '  subgraph lane0["lane s1<br/>user absent<br/>user: ~"]',
      '  subgraph lane1["lane s2<br/>user: alice<br/>user: bob<br/>user: carol"]',
    ]);
    // one rule for every request: its class has no condition to name
    const one = read('one.yaml', ingress([{ name: 'base', route: [dest('mocka', 's1')] }]), subsets('mocka', { s1: { version: 'v1' } }));
    expect(one.diagram({ chain: ['mocka'] }).split('\n').filter(l => l.startsWith('  subgraph'))).toEqual(['  subgraph lane0["lane s1<br/>any request"]']);
  });

  test('the ways of a lane share the boxes of the services they share; a way two rules lead into is drawn once, by the first rule', () => {
    const sim = read('canary.yaml',
      ingress([
        { name: 'dev', match: exact('env', 'dev'), route: [dest('mocka', 's2', sets({ 'x-asm-prefer-tag': 's2' }))] },
        { name: 'staging', match: exact('env', 'staging'), route: [dest('mocka', 's2', sets({ 'x-asm-prefer-tag': 's2' }))] },
        { name: 'base', route: [dest('mocka', 's1', sets({ 'x-asm-prefer-tag': 's1' }))] },
      ]),
      // every lane calls mockb, whose canary takes a tenth of its requests
      sidecar('mockb', [{ name: 'canary', route: [dest('mockb', 's1', { weight: 90 }), dest('mockb', 'canary', { weight: 10 })] }]),
      subsets('mocka', { s1: { version: 'v1' }, s2: { version: 'v2' } }),
      subsets('mockb', { s1: { version: 'v1' }, canary: { version: 'v1', track: 'canary' } }),
    );
    expect(sim.diagram({ chain: ['mocka', 'mockb'] }).split('\n')).toEqual([
      'flowchart LR',
      '  subgraph lane0["lane s1<br/>env absent<br/>env: ~"]', '    direction LR',
      '    lane0s>"enters istio-system/edge"]',
      '    lane0h0(["mocka<br/>s1 (version: v1)"])',
      '    lane0h1(["mockb<br/>s1 (version: v1)"])',
      '    lane0h2(["mockb<br/>canary (version: v1, track: canary)"])',
      '  end',
      '  subgraph lane1["lane s2<br/>env: dev<br/>env: staging"]', '    direction LR',
      '    lane1s>"enters istio-system/edge"]',
      '    lane1h0(["mocka<br/>s2 (version: v2)"])',
      '    lane1h1(["mockb<br/>s1 (version: v1)"])',
      '    lane1h2(["mockb<br/>canary (version: v1, track: canary)"])',
      '  end',
      '  lane0s -- "rule base" --> lane0h0',
      '  lane0h0 -- "x-asm-prefer-tag: s1" --> lane0h1',
      '  lane0h0 -- "x-asm-prefer-tag: s1" --> lane0h2',
      '  lane1s -- "rule dev" --> lane1h0',
      '  lane1h0 -- "x-asm-prefer-tag: s2" --> lane1h1',
      '  lane1h0 -- "x-asm-prefer-tag: s2" --> lane1h2',
      '',
    ]);
  });
});

describe('the routing diagram filtered, line by line', () => {
  const baggage = (entry: string) => ({ headers: { request: { add: { baggage: entry } } } });
  const sim = read('edge.yaml', ingress([
    { name: 'dev', match: exact('env', 'dev', 'test'), route: [dest('web', 's3', { ...fallback('web', 's1'), ...sets({ 'x-asm-prefer-tag': 's3' }) })] },
    { name: 'partner', match: exact('x-partner', 'acme'), route: [dest('web', undefined, sets({ 'x-asm-prefer-tag': 's1' }))] },
    { name: 'beta', match: exact('user', 'beta'), route: [dest('web', 's2', { weight: 50, ...baggage('lane=s2') }), dest('web', undefined, { weight: 50, ...baggage('lane=s1') })] },
    { name: 'migrate', match: [{ uri: { prefix: '/v2' } }], route: [dest('web-v2', 's1', fallback('web', 's1'))] },
    { name: 'api', match: [{ uri: { prefix: '/api' } }], route: [dest('api', 's1')] },
    { name: 'base', route: [dest('web', 's1')] },
  ]));
  const title = '  subgraph vs0["edge.yaml<br/>VirtualService istio-system/edge<br/>gateways: istio-system/ingressgateway; hosts: *"]';
  const fallbackEdge = (from: string, backend: string) => `  ${from} -. "fallback (no healthy endpoints)" .-> ${backend}`;

  test('a lane keeps each destination in it: by its subset, by its fallback\'s, by the routing header or by the baggage entry it sets', () => {
    expect(sim.diagram({ lane: 's1' }).split('\n')).toEqual([
      'flowchart LR', title, '    direction LR',
      '    vs0r0{{"1. dev<br/>env exact #quot;dev#quot; OR env exact #quot;test#quot;"}}', '    vs0b0(["web/s3"])', '    vs0b1(["web/s1"])',
      '    vs0r1{{"2. partner<br/>x-partner exact #quot;acme#quot;"}}', '    vs0b2(["web/(any)"])',
      '    vs0r2{{"3. beta<br/>user exact #quot;beta#quot;"}}',
      '    vs0r3{{"4. migrate<br/>uri prefix #quot;/v2#quot;"}}', '    vs0b3(["web-v2/s1"])',
      '    vs0r4{{"5. api<br/>uri prefix #quot;/api#quot;"}}', '    vs0b4(["api/s1"])',
      '    vs0r5{{"6. base<br/>any request"}}',
      '  end',
      '  vs0r0 -- "100% · x-asm-prefer-tag: s3" --> vs0b0', fallbackEdge('vs0b0', 'vs0b1'),
      '  vs0r1 -- "100% · x-asm-prefer-tag: s1" --> vs0b2',
      '  vs0r2 -- "50% · baggage += lane=s1" --> vs0b2',
      '  vs0r3 -- "100%" --> vs0b3', fallbackEdge('vs0b3', 'vs0b1'),
      '  vs0r4 -- "100%" --> vs0b4',
      '  vs0r5 -- "100%" --> vs0b1',
      '',
    ]);
  });

  test('a host keeps the rules that route to it, or whose fallback does', () => {
    expect(sim.diagram({ host: 'web' }).split('\n')).toEqual([
      'flowchart LR', title, '    direction LR',
      '    vs0r0{{"1. dev<br/>env exact #quot;dev#quot; OR env exact #quot;test#quot;"}}', '    vs0b0(["web/s3"])', '    vs0b1(["web/s1"])',
      '    vs0r1{{"2. partner<br/>x-partner exact #quot;acme#quot;"}}', '    vs0b2(["web/(any)"])',
      '    vs0r2{{"3. beta<br/>user exact #quot;beta#quot;"}}', '    vs0b3(["web/s2"])',
      '    vs0r3{{"4. migrate<br/>uri prefix #quot;/v2#quot;"}}', '    vs0b4(["web-v2/s1"])',
      '    vs0r5{{"6. base<br/>any request"}}',
      '  end',
      '  vs0r0 -- "100% · x-asm-prefer-tag: s3" --> vs0b0', fallbackEdge('vs0b0', 'vs0b1'),
      '  vs0r1 -- "100% · x-asm-prefer-tag: s1" --> vs0b2',
      '  vs0r2 -- "50% · baggage += lane=s2" --> vs0b3',
      '  vs0r2 -- "50% · baggage += lane=s1" --> vs0b2',
      '  vs0r3 -- "100%" --> vs0b4', fallbackEdge('vs0b4', 'vs0b1'),
      '  vs0r5 -- "100%" --> vs0b1',
      '',
    ]);
  });

  test('a fallback two rules share is drawn once; the name of a .yml file on a line of its own', () => {
    expect(sharedFallback().diagram().split('\n')).toEqual([
      'flowchart LR',
      '  subgraph vs0["C:\\lanes\\web.yml<br/>VirtualService default/web<br/>mesh (sidecars); hosts: web.default.svc.cluster.local"]', '    direction LR',
      '    vs0r0{{"1. r&d<br/>x-team exact #quot;R&D#quot;"}}', '    vs0b0(["web/s3"])', '    vs0b1(["web/s1"])',
      '    vs0r1{{"2. qa<br/>x-team exact #quot;qa#quot;"}}',
      '    vs0r2{{"3. rest<br/>any request"}}',
      '  end',
      '  vs0r0 -- "100%" --> vs0b0',
      fallbackEdge('vs0b0', 'vs0b1'),
      '  vs0r1 -- "100%" --> vs0b0',
      '  vs0r2 -- "100%" --> vs0b1',
      '',
    ]);
  });
});

describe('SVG that Graphviz cannot lay out', () => {
  test('one box of 1,000 rules (2,000 nodes, within the limit) runs Graphviz out of memory: an error that says what to do', async () => {
    const http = Array.from({ length: 1000 }, (_, i) => ({ match: [{ headers: { k: { exact: String(i) } } }], route: [{ destination: { host: 'h', subset: `s${i}` } }] }));
    const sim = read('big.yaml', { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'v', namespace: 'n' }, spec: { hosts: ['h'], http } });
    await expect(sim.diagramSvg()).rejects.toThrow(new Error('Graphviz could not lay this diagram out (memory access out of bounds): filter it with host, lane or chain, or draw it as Mermaid'));
    // the next diagram is drawn: the failed layout leaves nothing behind
    const small = read('small.yaml', { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'v', namespace: 'n' }, spec: { hosts: ['h'], http: http.slice(0, 2) } });
    expect(await small.diagramSvg()).toMatch(/^<\?xml[\s\S]*<\/svg>\n$/);
  });
});
