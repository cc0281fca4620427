/**
 * SVG text fits its box and the canvas whichever free sans-serif font draws it: every label of the example apps'
 * diagrams, and of one with long generated names, is measured with the advance widths of DejaVu Sans (Debian's
 * default sans-serif) and Liberation Sans (metric-compatible with Arial and Helvetica), regular and bold
 * (test/fixtures/fonts, written by scripts/font-metrics.ts), and must lie inside the shape that holds it and
 * inside the canvas.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { MockChain } from '../examples/chain';
import { MockaLanes, SCENARIOS } from '../examples/scenarios';
import type { FontMetrics } from '../scripts/font-metrics';
import { HeaderMatch, LaneGroup, LaneSimulator, Target } from '../src';

const FONTS = path.join(__dirname, 'fixtures', 'fonts');
const face = (file: string): FontMetrics => JSON.parse(fs.readFileSync(path.join(FONTS, file), 'utf-8'));
const FACES = {
  'DejaVu Sans': { regular: face('DejaVuSans.json'), bold: face('DejaVuSans-Bold.json') },
  'Liberation Sans': { regular: face('LiberationSans.json'), bold: face('LiberationSans-Bold.json') },
};

/** The width of `text` in points, drawn in `font` at `size` points (no kerning: pairs only ever tighten these faces' text a little). */
export function textWidth(font: FontMetrics, text: string, size: number): number {
  let units = 0;
  for (const ch of text) units += font.advances[ch] ?? font.missing;
  return (units / font.unitsPerEm) * size;
}

interface Box { left: number; right: number; top: number; bottom: number }
interface Label { text: string; x: number; y: number; anchor: string; size: number; bold: boolean; family: string }

const decode = (s: string) => s.replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n))).replace(/&lt;/g, '<').replace(/&gt;/g, '>')
  .replace(/&quot;/g, '"').replace(/&#39;/g, '\'').replace(/&amp;/g, '&');

/** The bounding box of a shape's coordinates (a polygon's points, or a path's). */
function bounds(coordinates: string): Box {
  const numbers = [...coordinates.matchAll(/(-?[0-9.]+),(-?[0-9.]+)/g)].map(m => [Number(m[1]), Number(m[2])]);
  const xs = numbers.map(n => n[0]);
  const ys = numbers.map(n => n[1]);
  return { left: Math.min(...xs), right: Math.max(...xs), top: Math.min(...ys), bottom: Math.max(...ys) };
}

/** The shapes of a group (its polygons and paths, as boxes), and its labels; edges' paths are lines, not boxes. */
function groups(svg: string): Array<{ kind: string; boxes: Box[]; labels: Label[] }> {
  return [...svg.matchAll(/<g id="(?:node|clust|edge)\d+" class="(node|cluster|edge)">([\s\S]*?)<\/g>/g)].map(([, kind, body]) => ({
    kind,
    boxes: kind === 'edge' ? [] : [...body.matchAll(/<(?:polygon[^>]* points|path[^>]* d)="([^"]*)"/g)].map(m => bounds(m[1])),
    labels: [...body.matchAll(/<text ([^>]*)>([^<]*)<\/text>/g)].map(([, attrs, text]) => {
      const attr = (name: string) => new RegExp(` ?${name}="([^"]*)"`).exec(attrs)?.[1];
      return {
        text: decode(text),
        x: Number(attr('x')),
        y: Number(attr('y')),
        anchor: attr('text-anchor') ?? 'start',
        size: Number(attr('font-size')),
        bold: attr('font-weight') === 'bold',
        family: attr('font-family')!,
      };
    }),
  }));
}

/** Where each label of an SVG lies when `family` draws it, and the box that holds it (the smallest containing its anchor). */
function misfits(svg: string, family: keyof typeof FACES): string[] {
  const canvas = bounds(/<polygon fill="white" stroke="none" points="([^"]*)"/.exec(svg)![1]);
  const found: string[] = [];
  for (const g of groups(svg)) {
    for (const l of g.labels) {
      const width = textWidth(FACES[family][l.bold ? 'bold' : 'regular'], l.text, l.size);
      const left = l.anchor === 'middle' ? l.x - width / 2 : l.anchor === 'end' ? l.x - width : l.x;
      const right = left + width;
      const holders = g.boxes.filter(b => b.left <= l.x && l.x <= b.right && b.top <= l.y && l.y <= b.bottom)
        .sort((a, b) => (a.right - a.left) - (b.right - b.left));
      const box = holders[0] ?? canvas;
      const where = `"${l.text}" (${family} ${l.size}pt${l.bold ? ' bold' : ''}, ${left.toFixed(1)} to ${right.toFixed(1)})`;
      if (g.kind !== 'edge' && holders.length === 0) found.push(`${where}: no ${g.kind} shape holds it`);
      else if (left < box.left || right > box.right) found.push(`${where} leaves its ${g.kind === 'edge' ? 'canvas' : g.kind} (${box.left} to ${box.right})`);
      else if (left < canvas.left || right > canvas.right) found.push(`${where} leaves the canvas (${canvas.left} to ${canvas.right})`);
    }
  }
  return found;
}

/** A group of three services with long names, lanes among them, as generated names make them. */
function longNames(): LaneSimulator {
  const chart = new Chart(Testing.app(), 'long-names');
  const services = ['recommendations-service-for-the-checkout-page', 'inventory-reservations-and-stock-levels', 'payments-gateway-adapter-v2'];
  new LaneGroup(chart, 'group', {
    name: 'storefront-checkout-experience',
    target: Target.ISTIO,
    services: services.map(name => ({ name, namespace: 'retail-platform-production-eu-central' })),
    lanes: [
      { name: 'baseline-lane-for-every-service', services, podLabels: { 'release-train': 'baseline' } },
      { name: 'feature-wide-new-pricing-engine-experiment', services: services.slice(0, 2), podLabels: { 'release-train': 'pricing' } },
    ],
    baseline: 'baseline-lane-for-every-service',
    ingress: {
      gateway: 'istio-system/public-ingress-gateway-eu-central',
      entryService: services[0],
      rules: [{
        name: 'the-pricing-experiment-for-internal-testers',
        matches: [{ headers: [HeaderMatch.exact('x-internal-tester-group', 'pricing-engine-early-access')] }],
        split: [{ lane: 'feature-wide-new-pricing-engine-experiment' }],
      }],
    },
  });
  return LaneSimulator.fromConstruct(chart);
}

const DIAGRAMS: Array<[string, () => Promise<string>]> = [
  ['ASM\'s permissive-lane scenario', () => LaneSimulator.fromConstruct(new MockaLanes(Testing.app(), 'mocka-lanes', SCENARIOS.permissive)).diagramSvg()],
  ...[Target.ISTIO, Target.ASM, Target.GATEWAY_API].flatMap((target): Array<[string, () => Promise<string>]> => [
    [`the chain example on ${target}`, () => LaneSimulator.fromConstruct(new MockChain(Testing.app(), 'mock-chain', { target })).diagramSvg()],
    [`the chain example's swimlanes on ${target}`, () => LaneSimulator.fromConstruct(new MockChain(Testing.app(), 'mock-chain', { target })).diagramSvg({ chain: ['mocka', 'mockb', 'mockc'] })],
  ]),
  ['long generated names', () => longNames().diagramSvg()],
  ['long generated names, as swimlanes', () => longNames().diagramSvg({
    chain: ['recommendations-service-for-the-checkout-page', 'inventory-reservations-and-stock-levels', 'payments-gateway-adapter-v2'],
  })],
];

describe('SVG labels fit their boxes and the canvas in DejaVu Sans and in Liberation Sans', () => {
  test.each(DIAGRAMS)('%s', async (_name, draw) => {
    const svg = await draw();
    const labels = groups(svg).flatMap(g => g.labels);
    expect(labels.length).toBeGreaterThan(5);
    // the SVG names both faces before the generic family, the face it was laid out with first
    expect(new Set(labels.map(l => l.family))).toEqual(new Set(['DejaVu Sans,Liberation Sans,Arial,Helvetica,sans-serif']));
    expect(misfits(svg, 'DejaVu Sans')).toEqual([]);
    expect(misfits(svg, 'Liberation Sans')).toEqual([]);
  });

  test('the measure finds text that spills: the same labels laid out for Helvetica do not fit in DejaVu Sans', async () => {
    // Graphviz lays text out with its own widths of the font it is given: Helvetica's are Liberation Sans's
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { instance } = require('@viz-js/viz');
    const viz = await instance();
    const laidOut = viz.renderString('digraph { node [shape=box fontname="Helvetica" fontsize=10]; a [label="recommendations-service-for-the-checkout-page.retail-platform"] }', { format: 'svg' });
    expect(misfits(laidOut, 'Liberation Sans')).toEqual([]);
    expect(misfits(laidOut, 'DejaVu Sans')).toEqual([expect.stringMatching(/^"recommendations-service-for-the-checkout-page.retail-platform" \(DejaVu Sans 10pt, .* leaves its node/)]);
  });

  test('the metrics are the fonts\' own: a few widths as the fonts define them, in font units', () => {
    expect([FACES['DejaVu Sans'].regular.unitsPerEm, FACES['Liberation Sans'].regular.unitsPerEm]).toEqual([2048, 2048]);
    // DejaVu Sans: digits 1303, space 651; Liberation Sans (Arial's metrics): digits 1139, space 569, "W" 1933
    expect([FACES['DejaVu Sans'].regular.advances['0'], FACES['DejaVu Sans'].regular.advances[' ']]).toEqual([1303, 651]);
    expect([FACES['Liberation Sans'].regular.advances['0'], FACES['Liberation Sans'].regular.advances[' '], FACES['Liberation Sans'].regular.advances.W]).toEqual([1139, 569, 1933]);
    expect(FACES['DejaVu Sans'].bold.advances.m).toBeGreaterThan(FACES['DejaVu Sans'].regular.advances.m);
  });
});
