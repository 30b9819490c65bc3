/**
 * Runs in the benchmark page (bundled by esbuild, evaluated over CDP): the
 * three anchorers over the same claims in the same document.
 *
 *   saqta       utils/anchoring: one text map per pass, anchorAll
 *   hypothesis  bench/peers/hypothesis.ts (Hypothesis's quote matcher)
 *   hypothesis-position  the same, position selector tried first as the Hypothesis client does
 *   text-quote  dom-anchor-text-quote (diff-match-patch), as published
 */
import { anchorAll, atStoredPosition, buildTextMap, describe as saqtaDescribe } from '../../utils/anchoring';
import * as hypothesis from '../peers/hypothesis';
import * as textQuote from 'dom-anchor-text-quote';
import * as textPosition from 'dom-anchor-text-position';
import type { Selector } from '../../utils/annotation';
import { makeClaims, mutate as mutatePage, overlap, type Claim } from './claims';

export type Tool = 'saqta' | 'hypothesis' | 'hypothesis-position' | 'text-quote';

interface Described {
  saqta: Selector[];
  hypothesis: Selector[];
  textQuote: { quote: textQuote.TextQuote; hint: number };
}

let claims: Claim[] = [];
let described: Described[] = [];

/** Make the claims on the page as it is now and let each tool describe them with its own selectors. */
export function prepare(count: number, seed: number) {
  const root = document.body;
  claims = makeClaims(root, count, seed);
  const map = buildTextMap(root);
  const index = new hypothesis.TextIndex(root);
  described = claims.map((c) => ({
    saqta: saqtaDescribe(map, c.range),
    hypothesis: hypothesis.describe(index, c.range),
    textQuote: { quote: textQuote.fromRange(root, c.range), hint: textPosition.fromRange(root, c.range).start },
  }));
  return {
    claims: claims.length,
    displayTextChars: map.text.length,
    textContentChars: index.text.length,
    undescribedBySaqta: described.filter((d) => d.saqta.length === 0).length,
  };
}

function anchorAllWith(tool: Tool): (Range | null)[] {
  const root = document.body;
  if (tool === 'saqta') {
    const map = buildTextMap(root);
    const found = anchorAll(map, described.map((d, i) => ({ id: String(i), selectors: d.saqta })));
    return described.map((_, i) => found.get(String(i))?.range ?? null);
  }
  if (tool === 'hypothesis' || tool === 'hypothesis-position') {
    const index = new hypothesis.TextIndex(root);
    const positionFirst = tool === 'hypothesis-position';
    return described.map((d) => hypothesis.anchor(index, d.hypothesis, { positionFirst }));
  }
  return described.map((d) => textQuote.toRange(root, d.textQuote.quote, { hint: d.textQuote.hint }));
}

/** Anchor every claim once; the time and how each claim fared. */
export function run(tool: Tool) {
  const started = performance.now();
  const ranges = anchorAllWith(tool);
  const ms = performance.now() - started;
  let landed = 0;
  let orphaned = 0;
  let lost = 0;
  let misplaced = 0;
  ranges.forEach((r, i) => {
    const c = claims[i];
    if (!r) {
      if (c.removed) orphaned++;
      else lost++;
    } else if (!c.removed && overlap(r, c.range) >= 0.5) landed++;
    else misplaced++;
  });
  return { ms, landed, orphaned, lost, misplaced, removed: claims.filter((c) => c.removed).length, total: claims.length };
}

/** Where Saqta's time goes: building the text map vs matching. */
export function profileSaqta() {
  const t0 = performance.now();
  const map = buildTextMap(document.body);
  const t1 = performance.now();
  anchorAll(map, described.map((d, i) => ({ id: String(i), selectors: d.saqta })));
  const t2 = performance.now();
  return { textMapMs: t1 - t0, matchMs: t2 - t1 };
}

export function mutate(seed: number) {
  return mutatePage(document.body, claims, seed);
}

/** How many of Saqta's claims the position-first step finds in place on the page as it is now. */
export function foundInPlace() {
  const map = buildTextMap(document.body);
  return described.filter((d) => atStoredPosition(map, d.saqta)).length;
}

/** Saqta's selectors of the prepared claims (for profiling runs). */
export const saqtaSelectors = () => described.map((d) => d.saqta);

/** `n` passes of one tool, the time of each (no accuracy check): for profiling runs (bench/profile-anchoring.ts). */
export function passes(tool: Tool, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    anchorAllWith(tool);
    out.push(performance.now() - started);
  }
  return out;
}
