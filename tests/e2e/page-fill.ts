/**
 * How full each printed page is (issue 24: the evidence sheet once left page 2 half empty): the
 * PDF's pages rendered in grey by poppler's pdftoppm, and for each the lowest row with ink above
 * the bottom margin box, as a share of the page's height. Pictures count, as text does.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function pageFill(pdf: string, bottomMarginShare = 0.06): number[] {
  const dir = mkdtempSync(join(tmpdir(), 'saqta-fill-'));
  try {
    execFileSync('pdftoppm', ['-gray', '-r', '24', pdf, join(dir, 'p')]);
    return readdirSync(dir).filter((f) => f.endsWith('.pgm')).sort((a, b) => Number(a.match(/(\d+)\.pgm$/)![1]) - Number(b.match(/(\d+)\.pgm$/)![1])).map((f) => {
      const buf = readFileSync(join(dir, f));
      // Binary PGM: "P5", width, height, max value, each separated by white space, then one byte per pixel.
      const m = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(buf.subarray(0, 64).toString('latin1'))!;
      const [w, h] = [Number(m[1]), Number(m[2])];
      const data = buf.subarray(m[0].length);
      const last = Math.floor(h * (1 - bottomMarginShare));
      for (let y = last - 1; y >= 0; y--) {
        for (let x = 0; x < w; x++) if (data[y * w + x]! < 200) return (y + 1) / h;
      }
      return 0;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
