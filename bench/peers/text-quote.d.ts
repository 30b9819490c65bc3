// dom-anchor-text-quote and dom-anchor-text-position ship no types.
declare module 'dom-anchor-text-quote' {
  export interface TextQuote {
    exact: string;
    prefix?: string;
    suffix?: string;
  }
  export function fromRange(root: Node, range: Range): TextQuote;
  export function toRange(root: Node, selector: TextQuote, options?: { hint?: number }): Range | null;
}
declare module 'dom-anchor-text-position' {
  export function fromRange(root: Node, range: Range): { start: number; end: number };
}
// @harvard-lil/js-wacz ships JSDoc, no types: what bench/peers/js-wacz.ts uses.
declare module '@harvard-lil/js-wacz' {
  export class WACZ {
    constructor(options: { input: string | string[]; output: string; title?: string; log?: Record<string, (...a: unknown[]) => void> });
    process(verbose?: boolean): Promise<void>;
  }
}
