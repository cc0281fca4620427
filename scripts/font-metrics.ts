/**
 * Writes the advance widths of two free sans-serif fonts, regular and bold, to test/fixtures/fonts/*.json: the
 * diagram tests measure every SVG label with them (test/diagram-fonts.test.ts). Run it when a face changes:
 *
 *   npx ts-node -P tsconfig.dev.json scripts/font-metrics.ts DejaVuSans.ttf DejaVuSans-Bold.ttf \
 *     LiberationSans-Regular.ttf LiberationSans-Bold.ttf
 *
 * with the font files of the fonts-dejavu-core and fonts-liberation2 packages (`fc-match -f '%{file}\n' 'DejaVu Sans:bold'`
 * finds them). Only the widths are written: no outline, no hinting. The fonts' licences are beside the files.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as opentype from 'opentype.js';

/** The characters measured: printable ASCII, Latin-1, and the typographic marks a label may hold. */
const CODE_POINTS = [
  ...range(0x20, 0x7e), ...range(0xa0, 0xff),
  0x2013, 0x2014, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2026, 0x2190, 0x2192, 0x2194, 0x2212, 0x2264, 0x2265, 0x2248, 0x00d7,
];

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** A face's metrics: its family and weight, units per em, and each character's advance in those units. */
export interface FontMetrics {
  readonly family: string;
  readonly bold: boolean;
  readonly version: string;
  readonly unitsPerEm: number;
  /** the advance of a character not listed (the font's missing-glyph box) */
  readonly missing: number;
  readonly advances: { [char: string]: number };
}

function metrics(file: string): FontMetrics {
  const buffer = fs.readFileSync(file);
  const font = opentype.parse(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
  // opentype.js 2 keeps the names by platform (its 1.x types say otherwise)
  const names = (font.names as unknown as { windows: typeof font.names }).windows;
  const advances: { [char: string]: number } = {};
  for (const cp of CODE_POINTS) {
    const glyph = font.charToGlyph(String.fromCodePoint(cp));
    if (glyph.index !== 0) advances[String.fromCodePoint(cp)] = glyph.advanceWidth!;
  }
  return {
    family: names.fontFamily.en,
    // the OS/2 table's usWeightClass: 700 for a bold face, 400 for a regular one
    bold: font.tables.os2.usWeightClass >= 600,
    version: names.version.en,
    unitsPerEm: font.unitsPerEm,
    missing: font.glyphs.get(0).advanceWidth!,
    advances,
  };
}

if (require.main === module) {
  const out = path.join(__dirname, '..', 'test', 'fixtures', 'fonts');
  for (const file of process.argv.slice(2)) {
    const m = metrics(file);
    const name = `${m.family.replace(/ /g, '')}${m.bold ? '-Bold' : ''}.json`;
    fs.writeFileSync(path.join(out, name), JSON.stringify(m, null, 1) + '\n');
    console.log(`${name}: ${m.family}${m.bold ? ' Bold' : ''} ${m.version}, ${Object.keys(m.advances).length} characters`);
  }
}
