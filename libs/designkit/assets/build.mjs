// Builds the registry's stylesheets into libs/designkit/src/designkit/static/:
//   registry.css       GOV.UK Frontend plus registry.scss, compressed
//   registry.rtl.css   the same, mirrored by rtlcss for right-to-left (Urdu) pages
//   fonts/             Noto Sans and Noto Nastaliq Urdu from Debian's fonts-noto-core
//   manifest.json      a content hash per file, so pages can ask for versioned, cacheable URLs
// Run by deploy/local/install.sh (and the image build) after `npm ci`.
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import rtlcss from "rtlcss";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "src", "designkit", "static");
const fontDir = process.env.NOTO_FONT_DIR || "/usr/share/fonts/truetype/noto";
const fonts = ["NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoNastaliqUrdu-Regular.ttf", "NotoNastaliqUrdu-Bold.ttf"];

mkdirSync(join(out, "fonts"), { recursive: true });
const { css } = sass.compile(join(here, "registry.scss"), {
  style: "compressed",
  loadPaths: [here],
  quietDeps: true,
});
writeFileSync(join(out, "registry.css"), css);
writeFileSync(join(out, "registry.rtl.css"), rtlcss.process(css));
for (const font of fonts) {
  const source = join(fontDir, font);
  if (!existsSync(source)) {
    console.error(`build.mjs: ${source} is missing (Debian package fonts-noto-core)`);
    process.exit(1);
  }
  copyFileSync(source, join(out, "fonts", font));
}
const files = ["registry.css", "registry.rtl.css", ...fonts.map((font) => `fonts/${font}`)];
const manifest = Object.fromEntries(files.map((file) => [
  file, createHash("sha256").update(readFileSync(join(out, file))).digest("hex").slice(0, 12),
]));
writeFileSync(join(out, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`designkit assets: ${files.length} files into ${out}`);
