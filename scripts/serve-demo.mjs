#!/usr/bin/env node
// Serve the bundled demo article on 127.0.0.1 (PORT or 8377) until stopped.
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const server = await startServer({ '/seed/': join(root, 'demo', 'seed-article') }, { port: Number(process.env.PORT) || 8377 });
console.log(`Demo article: ${server.origin}/seed/index.html  (Ctrl+C to stop)`);
