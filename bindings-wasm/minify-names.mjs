// Renames the JS glue's side of the .wasm's imports and exports after wasm-opt
// --minify-imports-and-exports-and-modules has shortened them in the module (1.7 kB gzip: the
// glue's 70 import names carry a 16-digit hash each, its closure exports are 200-300 characters).
// Usage: node minify-names.mjs MAP.json GLUE.js BG.wasm.d.ts BG.wasm
// MAP.json is what wasm-opt printed: { imports: [[module, name, new]], exports: [[name, new]] }.
// The build fails when a name is not found exactly where the glue is expected to use it, or
// when an old name is left anywhere, so a change in wasm-bindgen's glue cannot slip through.
import { readFileSync, writeFileSync } from "node:fs";

const [mapFile, glueFile, dtsFile, wasmFile] = process.argv.slice(2);
const map = JSON.parse(readFileSync(mapFile, "utf8"));
let glue = readFileSync(glueFile, "utf8");
let dts = readFileSync(dtsFile, "utf8");

/** Replaces every match of `pattern` in `text`, failing unless there are `expected` (or, with
 *  expected = "some", at least one). */
function replaceAll(text, pattern, replacement, expected, what) {
  let count = 0;
  const out = text.replace(pattern, (...m) => { count += 1; return typeof replacement === "function" ? replacement(...m) : replacement; });
  if (expected === "some" ? count === 0 : count !== expected) {
    throw new Error(`minify-names: ${what}: found ${count} times, expected ${expected}`);
  }
  return out;
}
const quote = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const modules = new Set(map.imports.map(([module]) => module));
if (modules.size !== 1) throw new Error(`minify-names: expected one import module, found ${[...modules]}`);
const [module] = modules;
// wasm-opt names the one module "a"; the module's imports must be the map's.
const imported = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasmFile)));
const expected = new Set(map.imports.map(([, , short]) => `a.${short}`));
if (imported.length !== expected.size || imported.some((i) => !expected.has(`${i.module}.${i.name}`))) {
  throw new Error("minify-names: the module's imports are not the ones the map names");
}
glue = replaceAll(glue, new RegExp(`"${quote(module)}":`, "g"), `"a":`, 1, `import module ${module}`);
for (const [, name, short] of map.imports) {
  glue = replaceAll(glue, new RegExp(`\\b${quote(name)}:`, "g"), `${JSON.stringify(short)}:`, 1, `import ${name}`);
}
const shortExports = new Set(map.exports.map(([, short]) => short));
for (const [name, short] of map.exports) {
  // Exports the glue does not call (wasm-bindgen's __abort_handler, __instance_terminated) keep
  // only their declaration.
  glue = glue.replace(new RegExp(`\\bwasm\\.${quote(name)}\\b`, "g"), `wasm.${short}`);
  dts = dts.replace(new RegExp(`export const ${quote(name)}:`, "g"), `export const ${short}:`);
}
const declared = [...dts.matchAll(/export const ([\w$]+):/g)].map((m) => m[1]);
if (declared.length === 0 || declared.some((name) => !shortExports.has(name))) {
  throw new Error("minify-names: the declarations name exports the map does not");
}
for (const [, used] of glue.matchAll(/\bwasm\.([A-Za-z_$][\w$]*)/g)) {
  if (!shortExports.has(used)) throw new Error(`minify-names: the glue calls wasm.${used}, which the map does not name`);
}
for (const [, name] of map.imports) {
  if (glue.includes(name)) throw new Error(`minify-names: import ${name} is still named in the glue`);
}
writeFileSync(glueFile, glue);
writeFileSync(dtsFile, dts);
