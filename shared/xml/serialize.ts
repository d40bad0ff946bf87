/**
 * Writing XML trees back out, and building them. The output follows @xmldom/xmldom's
 * XMLSerializer byte for byte (an element without children is `<a/>`, text escapes `< & >`,
 * attributes also `" tab LF CR`), so packages we build and sign are the bytes the platform produced
 * before it dropped xmldom and xml-crypto (tests/unit/xml-serialize.test.ts holds the two side by
 * side). Namespace declarations are ordinary attributes here: whoever builds a tree declares them.
 */
import type { XmlAttribute, XmlDocument, XmlElement, XmlNode, XmlText } from './parse.ts';
import { XMLNS_NS } from './parse.ts';

const ESCAPES: Record<string, string> = {
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};
const escapeChar = (c: string) => ESCAPES[c]!;

export function serializeNode(node: XmlNode): string {
  switch (node.kind) {
    case 'text':
      return node.cdata ? `<![CDATA[${node.value}]]>` : node.value.replace(/[<&>]/g, escapeChar);
    case 'comment':
      return `<!--${node.value}-->`;
    case 'pi':
      return `<?${node.target} ${node.data}?>`;
    case 'element': {
      let out = `<${node.name}`;
      for (const a of node.attributes) out += ` ${a.name}="${a.value.replace(/[<>&"\t\n\r]/g, escapeChar)}"`;
      if (node.children.length === 0) return `${out}/>`;
      out += '>';
      for (const child of node.children) out += serializeNode(child);
      return `${out}</${node.name}>`;
    }
  }
}

export function serializeDocument(doc: XmlDocument): string {
  let out = doc.declaration === undefined ? '' : `<?xml ${doc.declaration}?>`;
  for (const child of doc.children) out += serializeNode(child);
  return out;
}

/** A namespace declaration, as an attribute (`xmlns` or `xmlns:prefix`). */
export function namespaceDeclaration(prefix: string, uri: string): XmlAttribute {
  return prefix
    ? { name: `xmlns:${prefix}`, prefix: 'xmlns', localName: prefix, namespaceURI: XMLNS_NS, value: uri }
    : { name: 'xmlns', prefix: '', localName: 'xmlns', namespaceURI: XMLNS_NS, value: uri };
}

/**
 * A new element named `qname` in `namespaceURI`, appended to `parent` if given, declaring
 * `declarations`; the caller keeps the prefix consistent with the namespaces in scope.
 */
export function createElement(
  parent: XmlElement | undefined,
  qname: string,
  namespaceURI: string,
  options: {
    declarations?: readonly XmlAttribute[];
    attributes?: readonly XmlAttribute[];
    text?: string;
  } = {},
): XmlElement {
  const colon = qname.indexOf(':');
  const declarations = new Map<string, string>();
  for (const d of options.declarations ?? []) declarations.set(d.prefix ? d.localName : '', d.value);
  const node: XmlElement = {
    kind: 'element',
    name: qname,
    prefix: colon < 0 ? '' : qname.slice(0, colon),
    localName: colon < 0 ? qname : qname.slice(colon + 1),
    namespaceURI,
    attributes: [...(options.declarations ?? []), ...(options.attributes ?? [])],
    children: options.text === undefined ? [] : [{ kind: 'text', value: options.text } satisfies XmlText],
    parent,
    declarations,
  };
  parent?.children.push(node);
  return node;
}

/** An attribute in no namespace. */
export const plainAttribute = (name: string, value: string): XmlAttribute => ({
  name,
  prefix: '',
  localName: name,
  namespaceURI: '',
  value,
});
