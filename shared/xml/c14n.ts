/**
 * XML canonicalization of an element subtree, as XML signatures digest and sign it: Exclusive XML
 * Canonicalization 1.0 (https://www.w3.org/TR/xml-exc-c14n/, with its InclusiveNamespaces
 * PrefixList) and Canonical XML 1.0 (https://www.w3.org/TR/xml-c14n/, inclusive), each with or
 * without comments. Inclusive C14N is here because other signers use it (it is .NET SignedXml's
 * default for SignedInfo); we only ever sign with exclusive C14N.
 *
 * The subset is always "an element and its descendants, minus one excluded element" (the enveloped
 * signature): that is all an enveloped URI="" reference and a SignedInfo need, and it keeps the
 * namespace rules small. Namespace declarations and attributes are sorted by code unit (the specs
 * say by code point; they differ only for characters beyond the BMP in names or URIs).
 */
import { lookupNamespace, namespacesInScope, XML_NS, XMLNS_NS, type XmlElement } from './parse.ts';

interface Rendered {
  readonly own: ReadonlyMap<string, string>;
  readonly up: Rendered | undefined;
}
const renderedUri = (rendered: Rendered | undefined, prefix: string): string | undefined => {
  for (let at = rendered; at; at = at.up) {
    const uri = at.own.get(prefix);
    if (uri !== undefined) return uri;
  }
  return undefined;
};

export interface C14nOptions {
  /** Exclusive (exc-c14n) rather than inclusive C14N 1.0. */
  readonly exclusive: boolean;
  readonly withComments?: boolean;
  /** Exclusive only: prefixes treated inclusively (`#default` for the default namespace). */
  readonly prefixList?: readonly string[];
  /** Left out with its descendants (the enveloped-signature transform). */
  readonly exclude?: XmlElement;
}

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };
const ATTR_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '"': '&quot;',
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
};
const escapeText = (s: string) => s.replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c]!);
const escapeAttr = (s: string) => s.replace(/[&<"\t\n\r]/g, (c) => ATTR_ESCAPES[c]!);
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function canonicalize(apex: XmlElement, options: C14nOptions): string {
  const prefixList = new Set(
    (options.prefixList ?? []).map((prefix) => (prefix === '#default' ? '' : prefix)),
  );
  const out: string[] = [];

  /**
   * `rendered`: the declarations the output ancestors wrote, nearest first (a chain as long as the
   * depth, not a copy per element: see parse.ts).
   */
  const visit = (node: XmlElement, rendered: Rendered | undefined, isApex: boolean) => {
    const wanted = new Set<string>();
    if (options.exclusive) {
      wanted.add(node.prefix);
      for (const a of node.attributes) {
        if (a.prefix && a.namespaceURI !== XMLNS_NS && a.prefix !== 'xml') wanted.add(a.prefix);
      }
      for (const prefix of prefixList) if (lookupNamespace(node, prefix) !== undefined) wanted.add(prefix);
    } else {
      // Inclusive: everything in scope. Below the apex only what an element declares can differ
      // from what its output parent already wrote.
      const scope = isApex ? namespacesInScope(node).keys() : node.declarations.keys();
      for (const prefix of scope) wanted.add(prefix);
      wanted.add('');
    }
    const declarations: [string, string][] = [];
    for (const prefix of wanted) {
      const uri = lookupNamespace(node, prefix) ?? '';
      // An empty default is rendered (xmlns="") only to undo a non-empty one in the output.
      if ((renderedUri(rendered, prefix) ?? '') === uri) continue;
      declarations.push([prefix, uri]);
    }
    declarations.sort(([a], [b]) => byCodeUnit(a, b));
    const next: Rendered | undefined = declarations.length
      ? { own: new Map(declarations), up: rendered }
      : rendered;

    const attributes = node.attributes.filter((a) => a.namespaceURI !== XMLNS_NS);
    if (!options.exclusive && isApex) {
      // Inclusive C14N: an apex inherits the xml:* attributes of its (omitted) ancestors.
      const own = new Set(attributes.filter((a) => a.namespaceURI === XML_NS).map((a) => a.localName));
      for (let up = node.parent; up; up = up.parent) {
        for (const a of up.attributes) {
          if (a.namespaceURI === XML_NS && !own.has(a.localName)) {
            own.add(a.localName);
            attributes.push(a);
          }
        }
      }
    }
    attributes.sort(
      (a, b) => byCodeUnit(a.namespaceURI, b.namespaceURI) || byCodeUnit(a.localName, b.localName),
    );

    out.push('<', node.name);
    for (const [prefix, uri] of declarations)
      out.push(prefix ? ` xmlns:${prefix}="` : ' xmlns="', escapeAttr(uri), '"');
    for (const a of attributes) out.push(' ', a.name, '="', escapeAttr(a.value), '"');
    out.push('>');
    for (const child of node.children) {
      if (child.kind === 'element') {
        if (child !== options.exclude) visit(child, next, false);
      } else if (child.kind === 'text') out.push(escapeText(child.value));
      else if (child.kind === 'comment') {
        if (options.withComments) out.push('<!--', child.value, '-->');
      } else out.push('<?', child.target, child.data ? ` ${child.data}` : '', '?>');
    }
    out.push('</', node.name, '>');
  };
  visit(apex, undefined, true);
  return out.join('');
}
