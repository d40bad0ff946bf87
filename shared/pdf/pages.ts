/**
 * The page tree (ISO 32000-1 §7.7.3) of a PDF read by ./reader.ts: the pages in order and a page's
 * width, which the PAdES stamp needs (shared/signing/pades.ts). Walked without recursion and each
 * node once, so a hostile tree (deep, or with cycles) costs no more than its objects.
 */
import { isName, PdfDict, type PdfObject, PdfRef } from './objects.ts';
import type { PdfFile } from './reader.ts';

export interface PageNode {
  readonly ref: PdfRef;
  readonly node: PdfDict;
}

/** The pages in order (the page tree, depth first), each with its reference. */
export function pagesOf(document: PdfFile, catalog: PdfDict): PageNode[] {
  const pages: PageNode[] = [];
  const seen = new Set<number>();
  const stack: PdfObject[] = [catalog.get('Pages') ?? null];
  for (let ref = stack.pop(); ref !== undefined; ref = stack.pop()) {
    if (!(ref instanceof PdfRef) || seen.has(ref.num)) continue;
    seen.add(ref.num);
    const node = document.lookup(ref);
    if (!(node instanceof PdfDict)) continue;
    const kids = document.lookup(node.get('Kids'));
    if (Array.isArray(kids)) for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
    else if (isName(node.get('Type'), 'Page')) pages.push({ ref, node });
  }
  return pages;
}

/** A page's width (its MediaBox, inherited from the page tree when the page has none). */
export function pageWidth(document: PdfFile, page: PdfDict): number {
  for (let node: unknown = page, depth = 0; node instanceof PdfDict && depth < 64; depth++) {
    const box = document.lookup(node.get('MediaBox'));
    if (Array.isArray(box)) {
      const [x1, , x2] = box.map((value) => document.lookup(value));
      if (typeof x1 === 'number' && typeof x2 === 'number') return Math.abs(x2 - x1);
    }
    node = document.lookup(node.get('Parent'));
  }
  return 612; // US Letter, the PDF default
}
