/**
 * Words for a generated library: Kazakh from the seed interview, Russian and
 * English from short news-like passages below. Claims are runs of words drawn
 * with the passages' own frequencies, so common words are common and names rare.
 */
export const RUSSIAN = `Правозащитник Роза Акылбекова рассказала о письме правозащитных организаций руководству Евросоюза накануне визита президента Казахстана Касым-Жомарта Токаева в Брюссель.
Организации призвали поднять вопросы прав человека, пыток в местах заключения и давления на независимых журналистов.
Суд в Алматы продлил арест активиста, задержанного после мирного митинга; адвокат заявил, что его подзащитного избили в полиции.
Родственники задержанных требуют независимого расследования январских событий и наказания виновных в пытках.
Представители Евросоюза заявили, что права человека остаются частью диалога с Казахстаном, а письмо было передано президенту.
Журналистов, освещавших голодовку политических заключённых, вызвали на допрос; редакция назвала это давлением на прессу.
Правозащитники напомнили о гибели людей в январе и о том, что суды так и не рассмотрели жалобы на пытки.
Министерство внутренних дел отрицает применение пыток и утверждает, что задержания прошли в соответствии с законом.`;

export const ENGLISH = `Human rights defender Roza Akylbekova spoke about a letter that rights groups sent to European Union leaders before President Tokayev's visit to Brussels.
The letter urged the EU to raise torture in detention, the arrest of peaceful protesters and pressure on independent journalists.
A court in Almaty extended the arrest of an activist detained after a peaceful rally; his lawyer said police beat him.
Relatives of those detained in January demand an independent investigation and justice for victims of torture.
EU officials said human rights remain part of the dialogue with Kazakhstan and that the letter was handed to the president.
Journalists who covered the hunger strike of political prisoners were summoned for questioning, which the newsroom called pressure on the press.
Rights groups recalled the deaths of January and said courts never examined the complaints of torture.
The interior ministry denies any torture and says the arrests followed the law.`;

export const TAGS = [
  'арест', 'азаптау', 'Еуроодақ хаты', 'сот', 'журналистер', 'аштық жариялау', 'қаңтар оқиғасы', 'сапар',
  'пытки', 'задержание', 'суд', 'правозащитники', 'давление на прессу', 'Евросоюз', 'митинг', 'адвокат',
  'torture', 'arrest', 'EU letter', 'court', 'press freedom', 'hunger strike', 'January events', 'detention',
  'verified', 'to check', 'source: Azattyq', 'source: Vlast', 'witness', 'official statement', 'contradiction', 'follow-up',
];

/** 20 searches a researcher would type: Kazakh, Russian, English and Latin-script Kazakh. */
export const QUERIES = [
  'Тоқаев', 'Ақылбекова', 'құқық қорғаушы', 'Еуроодақ', 'сапар',
  'правозащитник', 'задержан', 'Евросоюз', 'суд', 'пытки',
  'torture', 'human rights', 'arrest', 'letter', 'court',
  'Toqaev', 'Aqylbekova', 'quqyq qorgaushy', 'Euroodaq', 'sapar',
];

export function wordsOf(text: string): string[] {
  return [...text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu)].map((m) => m[0]);
}
