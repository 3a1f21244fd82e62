// Bundles the widget and @microsoft/signalr into one self-contained script.
//   node build.mjs [outfile]   (default dist/widget.js; the gateway's build passes its wwwroot/widget.js)
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const outfile = resolve(process.argv[2] ?? 'dist/widget.js');
mkdirSync(dirname(outfile), { recursive: true });

await build({
  entryPoints: ['src/widget.js'],
  outfile,
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2019', 'chrome80', 'firefox78', 'safari13'],
  legalComments: 'eof',
  banner: { js: '/* Omni chat widget: <script src="https://your-omni/widget.js" data-site="your-site"></script> */' },
  logLevel: 'warning',
});
console.log(`widget built: ${outfile}`);
