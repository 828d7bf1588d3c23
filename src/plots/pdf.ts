// SVG → vector PDF: PDFKit writes the document, svg-to-pdfkit draws the SVG into it (paths,
// text, embedded PNG images), with DejaVu Sans embedded where the system has it (λ, n̂, ≥).

import { existsSync } from "node:fs";
import PDFDocument from "pdfkit";
import SVGtoPDF from "svg-to-pdfkit";

/** Where Debian (fonts-dejavu-core) and other systems keep DejaVu Sans. */
const FONT_DIRS = [
  "/usr/share/fonts/truetype/dejavu",
  "/usr/share/fonts/TTF",
  "/usr/share/fonts/dejavu",
  "/usr/local/share/fonts",
  "/Library/Fonts",
];

function findFont(file: string): string | undefined {
  for (const dir of FONT_DIRS) {
    const path = `${dir}/${file}`;
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** CSS pixels per PDF point: an SVG of w × h px becomes a page of 0.75 w × 0.75 h pt. */
const PT_PER_PX = 0.75;

function svgSize(svg: string): { width: number; height: number } {
  const tag = /<svg\b[^>]*>/.exec(svg)?.[0] ?? "";
  const width = Number(/\bwidth="([\d.]+)"/.exec(tag)?.[1] ?? NaN);
  const height = Number(/\bheight="([\d.]+)"/.exec(tag)?.[1] ?? NaN);
  if (!(width > 0 && height > 0)) throw new Error("svgToPdf: the SVG has no width and height");
  return { width, height };
}

/**
 * svg-to-pdfkit skips glyphs of zero advance, so combining marks vanish (n̂ would read n): each
 * letter + U+0302 becomes the letter and a spacing circumflex (U+02C6) moved back over it.
 */
export function spaceCombiningHats(svg: string): string {
  // Only in text content (between tags), never inside attributes such as aria-label.
  return svg.replace(
    />([^<]*\u0302[^<]*)</g,
    (_m, text: string) =>
      `>${text.replace(/([A-Za-z])\u0302/g, '$1<tspan dx="-0.567em">\u02c6</tspan>')}<`,
  );
}

/**
 * The SVG as a one-page vector PDF of its size (1 px = 0.75 pt), text in embedded DejaVu Sans
 * (PDFKit's Helvetica where the font is missing). `title` goes into the PDF's metadata.
 */
export async function svgToPdf(svg: string, title = ""): Promise<Buffer> {
  const { width, height } = svgSize(svg);
  const doc = new PDFDocument({
    size: [width * PT_PER_PX, height * PT_PER_PX],
    margin: 0,
    compress: true,
    info: { Title: title, Creator: "memonet", Producer: "memonet (PDFKit)" },
  });
  const regular = findFont("DejaVuSans.ttf");
  const bold = findFont("DejaVuSans-Bold.ttf");
  if (regular !== undefined) doc.registerFont("DejaVu Sans", regular);
  if (bold !== undefined) doc.registerFont("DejaVu Sans Bold", bold);
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on("end", resolve);
    doc.on("error", reject);
  });
  const warnings: string[] = [];
  SVGtoPDF(doc, spaceCombiningHats(svg), 0, 0, {
    width: width * PT_PER_PX,
    height: height * PT_PER_PX,
    fontCallback: (_family, isBold) => {
      if (isBold && bold !== undefined) return "DejaVu Sans Bold";
      if (regular !== undefined) return "DejaVu Sans";
      return isBold ? "Helvetica-Bold" : "Helvetica";
    },
    warningCallback: (w) => warnings.push(w),
  });
  doc.end();
  await done;
  if (warnings.some((w) => /failed to open image/.test(w))) {
    throw new Error(`svgToPdf: ${warnings.find((w) => /failed to open image/.test(w))}`);
  }
  return Buffer.concat(chunks);
}
