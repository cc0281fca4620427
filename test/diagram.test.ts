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

const seed = () => LaneSimulator.fromConstruct(new MockaLanes(Testing.app(), 'mocka-lanes', SCENARIOS.seed));
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

/** The text of an SVG as drawn (entities decoded), each text element with its vertical position. */
function svgTexts(svg: string): Array<{ y: number; text: string }> {
  const decode = (s: string) => s.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return [...svg.matchAll(/<text[^>]* y="([-0-9.]+)"[^>]*>([^<]*)<\/text>/g)].map(m => ({ y: Number(m[1]), text: decode(m[2]) }));
}

describe('the routing diagram', () => {
  test('seed: one box per VirtualService, rules in order, edges by share and lane marker, the fallback dashed', () => {
    const text = seed().diagram();
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
    const edges = mermaidEdges(seed().diagram({ lane: 's3' }));
    expect(edges.map(e => e[1])).toEqual(['50% · x-asm-prefer-tag: s3', 'fallback (no healthy endpoints)', '50% · x-asm-prefer-tag: s3', 'fallback (no healthy endpoints)']);
    expect(() => seed().diagram({ lane: 's9' })).toThrow('diagram: lane "s9" is no subset or lane marker of the routes read (subsets: s1, s2, s3)');
  });

  test('Markdown: the flowchart in a fenced block', () => {
    const sim = seed();
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
    const text = seed().diagram({ chain: ['mocka'], lane: 's3' });
    expect(mermaidBoxes(text).map(b => [b.label, ...b.nodes.values()])).toEqual([['lane s3<br/>env: dev (50%)', 'enters istio-system/swimlane-ingress-vs-custom', 'mocka<br/>s3']]);
    expect(() => seed().diagram({ chain: ['mocka'], lane: 's9' })).toThrow('diagram: no request enters lane "s9" at istio-system/swimlane-ingress-vs-custom (lanes: s1, s2, s3)');
    expect(() => seed().diagram({ chain: ['mocka'], host: 'mocka' })).toThrow('diagram: give host or chain, not both');
  });
});

describe('SVG, laid out by Graphviz without a browser', () => {
  test('seed: the boxes top down in order, rules in order, every share, marker and fallback drawn', async () => {
    const texts = svgTexts(await seed().diagramSvg());
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
    await expect(seed().diagramSvg({ format: DiagramFormat.MARKDOWN })).rejects.toThrow('LaneSimulator.diagramSvg(): options.format is for diagram(); diagramSvg() draws SVG, got "markdown"');
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
    'metadata: {name: edge, namespace: n}',
    'spec:',
    '  hosts: [a.n.svc.cluster.local]',
    '  http:',
    '    - match: [{headers: {x-q: {exact: \'say "hi" <now>\'}}}]',
    '      route:',
    '        - {destination: {host: a.n.svc.cluster.local, subset: s2, port: {number: 8080}}, weight: 25, headers: {request: {add: {baggage: lane=s2}}}}',
    '        - {destination: {host: a.n.svc.cluster.local}, weight: 75}',
    '        - {destination: {host: a.n.svc.cluster.local, subset: s3}, weight: 0}',
    '    - name: rest',
    '      route: [{destination: {host: b.n.svc.cluster.local, subset: s1}, headers: {request: {set: {x-lane: s1}}}}]',
  ].join('\n');
  const sim = LaneSimulator.fromYaml(yaml, 'edge.yaml');
  const title = '  subgraph vs0["edge.yaml<br/>VirtualService n/edge<br/>mesh (sidecars); hosts: a.n.svc.cluster.local"]';
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
