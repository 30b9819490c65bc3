#!/usr/bin/env node
// Builds public/_locales/{en,kk,ru}/messages.json from locales/*.json, where
// each feature keeps its strings as { key: { en, kk, ru, description? } }.
// `node scripts/locales.mjs --check` exits non-zero when the generated files
// are stale or a language is missing a string (run by the unit tests).
import { readFileSync, readdirSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const LANGS = ['en', 'kk', 'ru'];
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function collect() {
  const dir = join(root, 'locales');
  const merged = {};
  const problems = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const data = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    for (const [key, entry] of Object.entries(data)) {
      if (merged[key]) problems.push(`${file}: ${key} is also defined elsewhere`);
      if (!/^[A-Za-z0-9_]+$/.test(key)) problems.push(`${file}: ${key} is not a valid message name`);
      for (const lang of LANGS) {
        if (typeof entry[lang] !== 'string' || !entry[lang].trim()) problems.push(`${file}: ${key} has no ${lang} text`);
      }
      merged[key] = entry;
    }
  }
  const out = {};
  for (const lang of LANGS) {
    out[lang] = {};
    for (const key of Object.keys(merged).sort()) {
      const e = merged[key];
      out[lang][key] = { message: e[lang] ?? '', ...(e.description ? { description: e.description } : {}) };
    }
  }
  return { out, problems };
}

const text = (obj) => JSON.stringify(obj, null, 2) + '\n';

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { out, problems } = collect();
  const check = process.argv.includes('--check');
  for (const lang of LANGS) {
    const file = join(root, 'public', '_locales', lang, 'messages.json');
    if (check) {
      const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
      if (current !== text(out[lang])) problems.push(`${file} is stale: run npm run locales`);
    } else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text(out[lang]));
    }
  }
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  if (!check) console.log(`locales: ${Object.keys(out.en).length} messages in ${LANGS.join(', ')}`);
}
