/**
 * Which saved copy of an article the reader's own views, exports and signatures use (issue 23,
 * "colleagues' copies stay theirs"): the newest copy the reader made, unless the reader picked a
 * colleague's copy of that article (`PageRecord.chosenCopy`). A colleague's copy is used otherwise
 * only when the reader has none of their own. Pure: no browser, no database (docs/team-trust.md).
 */

/** What the rule needs of a capture record (CaptureRecord fits). */
export interface CopyLike {
  id: string;
  capturedAt: string;
  /** Set on a colleague's copy (team sync); absent on the reader's own. */
  author?: { id: string; name: string; unconfirmed?: boolean; fingerprint?: string };
}

/** Newest first, equal times by id (a stable answer for the same set). */
function newestFirst<T extends CopyLike>(copies: readonly T[]): T[] {
  return [...copies].sort((a, b) => (a.capturedAt < b.capturedAt ? 1 : a.capturedAt > b.capturedAt ? -1 : a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/** A copy the reader may pick: a colleague's, of this article. */
export function canChoose(copy: CopyLike): boolean {
  return !!copy.author;
}

/**
 * The copy used for an article: the reader's chosen colleague copy when it is still there (and is a
 * colleague's), else the reader's newest own copy, else the newest copy at all; undefined when none.
 */
export function shownCopy<T extends CopyLike>(copies: readonly T[], chosen?: string | null): T | undefined {
  if (chosen) {
    const picked = copies.find((c) => c.id === chosen);
    if (picked && canChoose(picked)) return picked;
  }
  const sorted = newestFirst(copies);
  return sorted.find((c) => !c.author) ?? sorted[0];
}

/** Whether the reader's choice is in force for these copies (a chosen copy deleted since falls back to the reader's own). */
export function choiceInForce(copies: readonly CopyLike[], chosen?: string | null): boolean {
  return !!chosen && copies.some((c) => c.id === chosen && canChoose(c));
}
