/**
 * Bundle a TypeScript module for a page: esbuild → one IIFE string that a
 * benchmark evaluates in the page (Runtime.evaluate ignores the page's CSP and
 * adds nothing to its DOM).
 */
import { build } from 'esbuild';
import { join } from 'node:path';
import { ROOT } from './paths';

export async function bundleForPage(entry: string, globalName: string): Promise<{ code: string; global: string }> {
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    format: 'iife',
    globalName,
    platform: 'browser',
    target: 'es2022',
    minify: false,
    write: false,
    logLevel: 'silent',
  });
  // Playwright evaluates a string inside a function: publish the global explicitly.
  const code = `${result.outputFiles[0].text}\nglobalThis.${globalName} = ${globalName};\n//# sourceURL=${globalName}.js`;
  return { code, global: globalName };
}
