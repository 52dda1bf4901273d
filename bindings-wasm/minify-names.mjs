// Renames the JS glue's side of the .wasm's imports and exports after wasm-opt
// --minify-imports-and-exports-and-modules has shortened them in the module (2.7 kB gzip: the
// glue's 70 import names carry a 16-digit hash each, in the .wasm and in the JS).
// Usage: node minify-names.mjs MAP.json GLUE.js GLUE.d.ts BG.wasm.d.ts BG.wasm
// MAP.json is what wasm-opt printed: { imports: [[module, name, new]], exports: [[name, new]] }.
// The build fails when the map is not the module's, when an import is not found exactly once
// where the glue defines it, when the glue reaches an export other than as `wasm.NAME` of the
// map, or when an old import name is left: a change in wasm-bindgen's glue cannot slip through.
import { readFileSync, writeFileSync } from "node:fs";

const [mapFile, glueFile, glueDtsFile, wasmDtsFile, wasmFile] = process.argv.slice(2);
const map = JSON.parse(readFileSync(mapFile, "utf8"));
let glue = readFileSync(glueFile, "utf8");
let glueDts = readFileSync(glueDtsFile, "utf8");
let wasmDts = readFileSync(wasmDtsFile, "utf8");
const fail = (message) => {
  throw new Error(`minify-names: ${message}`);
};
const quote = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Replaces every match of `pattern` in `text` by `replacement` (taken as is: no `$`
 *  patterns), failing unless there are `expected` matches (any number when undefined). */
function replace(text, pattern, replacement, expected, what) {
  let count = 0;
  const out = text.replace(pattern, () => {
    count += 1;
    return replacement;
  });
  if (expected !== undefined && count !== expected) fail(`${what}: found ${count} times, expected ${expected}`);
  return out;
}

// The map must be the module's: one import module, which wasm-opt names "a", and the same
// import and export names.
const module = new WebAssembly.Module(readFileSync(wasmFile));
const modules = new Set(map.imports.map(([m]) => m));
if (modules.size !== 1) fail(`expected one import module, found ${[...modules]}`);
const sameSet = (a, b) => a.size === b.size && [...a].every((x) => b.has(x));
const imported = new Set(WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`));
if (!sameSet(imported, new Set(map.imports.map(([, , short]) => `a.${short}`)))) fail("the module's imports are not the map's");
const exported = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
const shortExports = new Set(map.exports.map(([, short]) => short));
if (!sameSet(exported, shortExports)) fail("the module's exports are not the map's");

const [oldModule] = modules;
glue = replace(glue, new RegExp(`"${quote(oldModule)}":`, "g"), `"a":`, 1, `import module ${oldModule}`);
for (const [, name, short] of map.imports) {
  glue = replace(glue, new RegExp(`\\b${quote(name)}:`, "g"), `${JSON.stringify(short)}:`, 1, `import ${name}`);
}
// Exports the glue does not call (wasm-bindgen's __abort_handler, __instance_terminated) are
// only declared.
for (const [name, short] of map.exports) {
  glue = replace(glue, new RegExp(`\\bwasm\\.${quote(name)}\\b`, "g"), `wasm.${short}`);
  glueDts = replace(glueDts, new RegExp(`\\breadonly ${quote(name)}:`, "g"), `readonly ${short}:`);
  wasmDts = replace(wasmDts, new RegExp(`\\bexport const ${quote(name)}:`, "g"), `export const ${short}:`);
}
for (const [, used] of glue.matchAll(/\bwasm\.([A-Za-z_$][\w$]*)/g)) {
  if (!shortExports.has(used)) fail(`the glue calls wasm.${used}, which the map does not name`);
}
if (/\bwasm\s*\[|\binstance\.exports\.|\{[^}]*\}\s*=\s*wasm\b/.test(glue)) fail("the glue reaches the exports other than as wasm.NAME");
for (const [, name] of map.imports) {
  if (glue.includes(name)) fail(`import ${name} is still named in the glue`);
}
const declared = (text, pattern) => [...text.matchAll(pattern)].map((m) => m[1]);
for (const [file, names] of [
  ["the glue's declarations", declared(glueDts, /readonly ([\w$]+):/g)],
  ["the module's declarations", declared(wasmDts, /export const ([\w$]+):/g)],
]) {
  if (names.length === 0 || names.some((name) => !shortExports.has(name))) fail(`${file} name exports the map does not`);
}
writeFileSync(glueFile, glue);
writeFileSync(glueDtsFile, glueDts);
writeFileSync(wasmDtsFile, wasmDts);
