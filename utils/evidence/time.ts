/** "2026-11-27 13:44:05 UTC": one unambiguous time format for evidence text. */
export function utcText(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.valueOf()) ? iso : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
