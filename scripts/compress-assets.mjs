// Build-time compression of the static files the portal serves (portal/web/assets.py):
// static/.precompressed/<first 12 hex digits of the file's SHA-256>.gz and .br, for each
// text file (CSS, JavaScript, SVG, JSON), when the variant is smaller than the file.
// Keyed by content, so a file edited after this ran simply goes out uncompressed until the
// next run: never a stale variant. Node's own zlib, no package.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const root = process.argv[2] || "static";
const out = join(root, ".precompressed");
const TEXT = /\.(css|js|mjs|svg|json|geojson|txt|html|ico)$/;
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path === out) continue;
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

let files = 0, raw = 0, br = 0;
for (const path of walk(root)) {
  if (!TEXT.test(path)) continue;
  const data = readFileSync(path);
  const digest = createHash("sha256").update(data).digest("hex").slice(0, 12);
  const gz = gzipSync(data, { level: 9 });
  const brotli = brotliCompressSync(data, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
  });
  if (gz.length < data.length) writeFileSync(join(out, `${digest}.gz`), gz);
  if (brotli.length < data.length) writeFileSync(join(out, `${digest}.br`), brotli);
  files += 1; raw += data.length; br += Math.min(brotli.length, data.length);
  if (process.env.VERBOSE) console.log(relative(root, path), data.length, gz.length, brotli.length);
}
console.log(`compressed ${files} static files: ${raw} bytes -> ${br} bytes (brotli)`);
