#!/usr/bin/env node
// Builds the web client (client/dist) when it is missing or older than its sources, so that `npm start` serves
// the current UI on a fresh clone without a separate build step.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'client', 'dist', 'index.html');
const sources = [path.join(root, 'client', 'src'), path.join(root, 'shared', 'src'), path.join(root, 'client', 'index.html'), path.join(root, 'client', 'vite.config.ts')];

function newest(p) {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...fs.readdirSync(p).map((f) => newest(path.join(p, f))));
}

const built = fs.existsSync(dist) ? fs.statSync(dist).mtimeMs : 0;
if (built && built >= Math.max(...sources.map(newest))) process.exit(0);
console.log('Building the web client (client/dist)…');
const { build } = await import('vite');
await build({ configFile: path.join(root, 'client', 'vite.config.ts'), logLevel: 'warn' });
console.log('Web client built.');
