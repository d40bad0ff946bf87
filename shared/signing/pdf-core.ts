/**
 * pdf-lib's parser and object model, without its document API (forms, drawing, font and image
 * embedding), which pades.ts does not use: importing `pdf-lib` whole bundles 420 KB minified (its
 * API layer, the 14 standard fonts' metrics, a PNG decoder, pako), its core parser and objects about
 * 140 KB. The files are pdf-lib's CommonJS build, the one Node itself loads for `pdf-lib`, so the
 * classes are the same ones in tests and in the bundle.
 *
 * In a Lambda bundle, `@pdf-lib/standard-fonts` and `pako`, which the core imports for writing,
 * are replaced by ../platform/pdf-lib-standard-fonts.ts and ../platform/pdf-lib-pako.ts (the aliases
 * are in infra/cdk/bundling.ts; tests/unit/pdf-lib-core.test.ts checks the replacements).
 */

import arrayModule from 'pdf-lib/cjs/core/objects/PDFArray.js';
import dictModule from 'pdf-lib/cjs/core/objects/PDFDict.js';
import hexStringModule from 'pdf-lib/cjs/core/objects/PDFHexString.js';
import nameModule from 'pdf-lib/cjs/core/objects/PDFName.js';
import numberModule from 'pdf-lib/cjs/core/objects/PDFNumber.js';
import refModule from 'pdf-lib/cjs/core/objects/PDFRef.js';
import stringModule from 'pdf-lib/cjs/core/objects/PDFString.js';
import parserModule from 'pdf-lib/cjs/core/parser/PDFParser.js';

/** Any PDF object (what a reference may be assigned). */
export type PDFObject = Parameters<PDFContext['assign']>[1];
/**
 * A CommonJS module's `exports.default`. Node gives a default import the whole `module.exports`;
 * esbuild, bundling TypeScript, gives `exports.default` itself (tests/unit/pdf-lib-core.test.ts runs both).
 */
function defaultOf<T>(imported: { default: T }): T {
  return imported.default ?? (imported as unknown as T);
}

export type PDFContext = Awaited<ReturnType<typeof parsePdf>>;

export const PDFArray = defaultOf(arrayModule);
export type PDFArray = (typeof PDFArray)['prototype'];
export const PDFDict = defaultOf(dictModule);
export type PDFDict = (typeof PDFDict)['prototype'];
export const PDFHexString = defaultOf(hexStringModule);
export type PDFHexString = (typeof PDFHexString)['prototype'];
export const PDFName = defaultOf(nameModule);
export type PDFName = (typeof PDFName)['prototype'];
export const PDFNumber = defaultOf(numberModule);
export type PDFNumber = (typeof PDFNumber)['prototype'];
export const PDFRef = defaultOf(refModule);
export type PDFRef = (typeof PDFRef)['prototype'];
export const PDFString = defaultOf(stringModule);
export type PDFString = (typeof PDFString)['prototype'];

/** Parses a PDF into pdf-lib's object model (every revision's xref, object streams included). */
export async function parsePdf(bytes: Uint8Array) {
  return defaultOf(parserModule).forBytesWithOptions(bytes).parseDocument();
}

export interface PageNode {
  readonly ref: PDFRef;
  readonly node: PDFDict;
}

/** The pages in order (the page tree, depth first), each with its reference. */
export function pagesOf(context: PDFContext, catalog: PDFDict): PageNode[] {
  const pages: PageNode[] = [];
  const seen = new Set<string>();
  const visit = (ref: unknown) => {
    if (!(ref instanceof PDFRef) || seen.has(ref.tag)) return;
    seen.add(ref.tag);
    const node = context.lookup(ref);
    if (!(node instanceof PDFDict)) return;
    const kids = node.lookup(PDFName.of('Kids'));
    if (kids instanceof PDFArray) for (const kid of kids.asArray()) visit(kid);
    else if (node.get(PDFName.of('Type')) === PDFName.of('Page')) pages.push({ ref, node });
  };
  visit(catalog.get(PDFName.of('Pages')));
  return pages;
}

/** A page's width (its MediaBox, inherited from the page tree when the page has none). */
export function pageWidth(context: PDFContext, page: PDFDict): number {
  for (let node: unknown = page, depth = 0; node instanceof PDFDict && depth < 64; depth++) {
    const box = node.lookup(PDFName.of('MediaBox'));
    if (box instanceof PDFArray) {
      const [x1, , x2] = box.asArray().map((value) => context.lookup(value));
      if (x1 instanceof PDFNumber && x2 instanceof PDFNumber) return Math.abs(x2.asNumber() - x1.asNumber());
    }
    node = node.lookup(PDFName.of('Parent'));
  }
  return 612; // US Letter, the PDF default
}
