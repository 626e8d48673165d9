// Bundles index.js into dashboard/assets/plotly-lpr.min.js (or the path given as the first argument),
// with the licences of every package in it beside it (<bundle>.LICENSE.txt). Run by `make plotly`
// after `npm ci`; see README.md.
//
// The esbuild options are those of plotly.js's own build (esbuild-config.js in the plotly.js package:
// IIFE, global `Plotly`, ES2016, `global` -> `window`, AMD off, the regl alias), minified as its dist
// bundles are. Its plugins are left out: none of the traces here has GLSL shaders or reads
// process.env, and the one stylesheet core requires is MapLibre's, for `map` subplots, which this
// bundle does not register.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] || join(here, '..', 'dashboard', 'assets', 'plotly-lpr.min.js'));
const packageJson = (dir) => JSON.parse(readFileSync(join(here, dir, 'package.json'), 'utf8'));
const version = packageJson('node_modules/plotly.js').version;

// The app makes no request to another host: plotly.js's run-time URL defaults name Plotly's servers
// (the topojson CDN for geo maps, the chart cloud behind the "send to cloud" button) and its modebar
// shows a logo linking to plotly.com. They become this app's own topojson folder, relative to the page
// (every page passes its own `topojsonURL` anyway), nothing, and no logo; a default that is not found
// fails the build, so a plotly.js update cannot bring one back unnoticed.
const OWN_DEFAULTS = [
    ["dflt: 'https://cdn.plot.ly/un/'", "dflt: 'assets/topojson/'"],
    ["dflt: 'https://cloud.plotly.com/newchart'", "dflt: ''"],
    ["displaylogo: {\n        valType: 'boolean',\n        dflt: true", "displaylogo: {\n        valType: 'boolean',\n        dflt: false"],
];
const ownDefaults = {
    name: 'own-defaults',
    setup(bundler) {
        bundler.onLoad({ filter: /plot_api[\\/]plot_config\.js$/ }, (args) => {
            let text = readFileSync(args.path, 'utf8');
            for (const [from, to] of OWN_DEFAULTS) {
                if (!text.includes(from)) throw new Error(`${args.path}: ${from} not found`);
                text = text.replace(from, to);
            }
            return { contents: text, loader: 'js' };
        });
    },
};

const result = await build({
    absWorkingDir: here, // paths in the output (legal comments) are relative to this folder
    entryPoints: ['index.js'],
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    legalComments: 'eof',
    alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
    define: { global: 'window', 'define.amd': 'false' },
    loader: { '.css': 'empty' },
    target: 'es2016',
    metafile: true,
    write: false,
    logLevel: 'warning',
    plugins: [ownDefaults],
});

const banner = `/**
* plotly.js v${version} (partial bundle for lpr-geo: scatter, bar, choropleth, scattergeo; locale de)
* Copyright 2012-2026, Plotly, Inc.
* All rights reserved.
* Licensed under the MIT license
* Licences of all bundled packages: plotly-lpr.min.js.LICENSE.txt
*/
`;
writeFileSync(out, banner + result.outputFiles[0].text);

// every npm package that contributed code, with its licence text as shipped in its tarball
const licences = new Map();
for (const [input, { bytesInOutput }] of Object.entries(Object.values(result.metafile.outputs)[0].inputs)) {
    const dir = bytesInOutput > 0 && input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//)?.[1];
    if (!dir) continue;
    const meta = packageJson(dir);
    const file = readdirSync(join(here, dir)).find((name) => /^(licen[cs]e|copying)/i.test(name));
    const text = file ? readFileSync(join(here, dir, file), 'utf8').trim() : `License: ${meta.license}`;
    licences.set(`${meta.name}@${meta.version}`, `${meta.name}@${meta.version} (${meta.license})\n\n${text}\n`);
}
const packages = new Set(licences.keys());
const sections = [...packages].sort().map((name) => licences.get(name));
writeFileSync(
    `${out}.LICENSE.txt`,
    `${packages.size} npm packages are bundled in ${out.split('/').pop()}:\n\n` +
        `${sections.join(`\n${'-'.repeat(80)}\n\n`)}`
);
console.log(`${out}: ${result.outputFiles[0].contents.length + banner.length} bytes, ${packages.size} packages`);
