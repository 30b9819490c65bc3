/**
 * Why a WACZ is refused, as a stable code and its parameters (issue 25: "refused with the reason in
 * kk/ru/en"). A check says `why('fileChanged', [file])`; the English text (verify, tests) is made
 * from the code's English template, and the library page says the same code in the reader's
 * language (`reasonText(r, t)`). A reason about a record read inside another check (an index line,
 * an artifact) nests: the outer template's last parameter is the inner reason's text.
 *
 * Templates: `waczWhy_<code>` in locales/proof.json (en/kk/ru, `$1`… parameters). Pure.
 */
import strings from '../../locales/proof.json';
import { fillMessage } from '../zip/errors';

type Keys = keyof typeof strings;
export type ReasonCode = { [K in Keys]: K extends `waczWhy_${infer C}` ? C : never }[Keys];

export interface Reason {
  code: ReasonCode;
  args: string[];
  /** A reason inside this one (its text is the template's last parameter). */
  inner?: Reason;
}

/** Says a message by its name and parameters (browser.i18n in the extension pages). */
type Say = (key: string, args: string[]) => string;

const english: Say = (key, args) => fillMessage((strings as Record<string, { en: string }>)[key]!.en, args);

/** The text of a reason: in English, or through `say` in the reader's language. */
export function reasonText(r: Reason, say: Say = english): string {
  const args = r.inner ? [...r.args, reasonText(r.inner, say)] : r.args;
  return say(`waczWhy_${r.code}`, args);
}

/** A reason and its English text, ready to spread into a problem: `{ file, ...why('missing') }`. */
export function why(code: ReasonCode, args: readonly (string | number)[] = [], inner?: Reason): { message: string; reason: Reason } {
  const reason: Reason = { code, args: args.map(String), ...(inner ? { inner } : {}) };
  return { message: reasonText(reason), reason };
}

/** The reason an error carries, if it has one (RecordError). */
export function reasonOf(err: unknown): Reason | undefined {
  const r = (err as { reason?: unknown } | null)?.reason;
  return r && typeof r === 'object' && typeof (r as Reason).code === 'string' ? (r as Reason) : undefined;
}

/** `say` in one of Saqta's languages, from the templates themselves (Node: tests, scripts). */
export function sayIn(lang: 'en' | 'kk' | 'ru'): Say {
  return (key, args) => fillMessage((strings as Record<string, Record<'en' | 'kk' | 'ru', string>>)[key]![lang], args);
}
