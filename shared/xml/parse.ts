/**
 * A strict, namespace-aware XML 1.0 parser for the packages other systems send us (edXML), in place
 * of @xmldom/xmldom (~160 KB minified with xpath). Untrusted input meets only this code, so it
 * refuses rather than recovers: no DOCTYPE (hence no entity expansion of any kind), only the five
 * predefined entities and character references, every prefix declared, no duplicate attributes,
 * nothing after the root. Nesting depth and input size are bounded. Every refusal is an XmlError.
 *
 * The tree is light: elements, text (CDATA flagged, so a re-serialization can keep it), comments
 * and processing instructions; namespace declarations stay in `attributes` in document order (the
 * serializer writes them back) and also make up each element's `declarations`. Namespaces in scope
 * are looked up through the ancestors (at most maxDepth of them), never copied per element: a
 * copy per element lets a small document with many declarations and many elements take quadratic
 * time and memory.
 */

export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

export interface XmlAttribute {
  /** As written: `a`, `p:a`, `xmlns`, `xmlns:p`. */
  readonly name: string;
  readonly prefix: string;
  readonly localName: string;
  /** '' for an unprefixed attribute; XMLNS_NS for a namespace declaration. */
  readonly namespaceURI: string;
  readonly value: string;
}

export interface XmlElement {
  readonly kind: 'element';
  readonly name: string;
  readonly prefix: string;
  readonly localName: string;
  /** '' when in no namespace. */
  readonly namespaceURI: string;
  readonly attributes: XmlAttribute[];
  readonly children: XmlNode[];
  parent: XmlElement | undefined;
  /** The namespaces this element declares: prefix ('' for the default) → URI ('' undeclares). */
  readonly declarations: ReadonlyMap<string, string>;
}

/** The URI `prefix` ('' for the default namespace) is bound to at `node`, if any. */
export function lookupNamespace(node: XmlElement | undefined, prefix: string): string | undefined {
  if (prefix === 'xml') return XML_NS;
  for (let at = node; at; at = at.parent) {
    const uri = at.declarations.get(prefix);
    if (uri !== undefined) return uri;
  }
  return undefined;
}

/** Every namespace binding in scope at `node` (without the implicit xml prefix). */
export function namespacesInScope(node: XmlElement): Map<string, string> {
  const chain: XmlElement[] = [];
  for (let at: XmlElement | undefined = node; at; at = at.parent) chain.unshift(at);
  const scope = new Map<string, string>();
  for (const at of chain) for (const [prefix, uri] of at.declarations) scope.set(prefix, uri);
  return scope;
}

export interface XmlText {
  readonly kind: 'text';
  readonly value: string;
  readonly cdata?: boolean;
}
export interface XmlComment {
  readonly kind: 'comment';
  readonly value: string;
}
export interface XmlPi {
  readonly kind: 'pi';
  readonly target: string;
  readonly data: string;
}
export type XmlNode = XmlElement | XmlText | XmlComment | XmlPi;

export interface XmlDocument {
  /** What the XML declaration says after `<?xml `, e.g. `version="1.0" encoding="UTF-8"`. */
  readonly declaration: string | undefined;
  /** Comments, PIs and whitespace around the root, and the root. */
  readonly children: XmlNode[];
  readonly root: XmlElement;
}

export class XmlError extends Error {
  override name = 'XmlError';
}

export interface ParseLimits {
  /** Element nesting depth; edXML needs 6. */
  readonly maxDepth?: number;
  /** In UTF-16 code units. */
  readonly maxLength?: number;
}

const NAME_START =
  ':A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NAME_CHAR = `${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040`;
const NAME = new RegExp(`[${NAME_START}][${NAME_CHAR}]*`, 'uy');
const NCNAME = new RegExp(`^[${NAME_START.slice(1)}][${NAME_CHAR.slice(1)}]*$`, 'u');
/** Anything that is not an XML 1.0 Char. */
const NOT_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const DECLARATION =
  /^<\?xml\s+(version\s*=\s*(?:"1\.[0-9]+"|'1\.[0-9]+')(?:\s+encoding\s*=\s*(?:"[A-Za-z][\w.-]*"|'[A-Za-z][\w.-]*'))?(?:\s+standalone\s*=\s*(?:"(?:yes|no)"|'(?:yes|no)'))?)\s*\?>/;
const TEXT = /[^<&]+/y;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };
const isSpace = (c: string | undefined) => c === ' ' || c === '\n' || c === '\t' || c === '\r';

/** Parses a whole document; throws XmlError for anything that is not well-formed, namespace-valid XML. */
export function parseXml(input: string, limits: ParseLimits = {}): XmlDocument {
  const maxDepth = limits.maxDepth ?? 64;
  const maxLength = limits.maxLength ?? 64 * 1024 * 1024;
  if (input.length > maxLength) throw new XmlError(`The XML is longer than ${maxLength} characters`);
  // Line ends are normalized before anything else (XML 1.0 §2.11); a BOM is not content.
  const xml = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let pos = 0;
  const bad = NOT_CHAR.exec(xml);
  if (bad)
    fail(`a character U+${bad[0].codePointAt(0)!.toString(16).toUpperCase()} XML does not allow`, bad.index);

  function fail(message: string, at = pos): never {
    const before = xml.slice(0, at);
    const line = before.split('\n').length;
    throw new XmlError(`${message} (line ${line}, column ${at - before.lastIndexOf('\n')})`);
  }
  const startsWith = (s: string) => xml.startsWith(s, pos);
  const expect = (s: string) => {
    if (!startsWith(s)) fail(`expected "${s}"`);
    pos += s.length;
  };
  const skipSpace = () => {
    const start = pos;
    while (isSpace(xml[pos])) pos += 1;
    return pos > start;
  };
  const name = (): string => {
    NAME.lastIndex = pos;
    const match = NAME.exec(xml);
    if (!match) fail('expected a name');
    pos += match[0].length;
    return match[0];
  };
  /** Up to `end` (exclusive), which must come. */
  const until = (end: string, what: string): string => {
    const at = xml.indexOf(end, pos);
    if (at < 0) fail(`unterminated ${what}`);
    const value = xml.slice(pos, at);
    pos = at + end.length;
    return value;
  };
  const reference = (): string => {
    const start = pos;
    pos += 1; // &
    const body = until(';', 'reference');
    if (body.startsWith('#')) {
      const code = /^#x[0-9a-fA-F]{1,6}$/.test(body)
        ? Number.parseInt(body.slice(2), 16)
        : /^#[0-9]{1,7}$/.test(body)
          ? Number.parseInt(body.slice(1), 10)
          : -1;
      const char = code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
      if (!char || NOT_CHAR.test(char)) fail(`a bad character reference &${body};`, start);
      return char;
    }
    const value = PREDEFINED[body];
    if (value === undefined) fail(`an undefined entity &${body};`, start);
    return value;
  };
  const comment = (): XmlComment => {
    pos += 4; // <!--
    const value = until('--', 'comment');
    if (xml[pos] !== '>') fail('"--" inside a comment');
    pos += 1;
    return { kind: 'comment', value };
  };
  const pi = (): XmlPi => {
    pos += 2; // <?
    const target = name();
    if (target.toLowerCase() === 'xml') fail('an XML declaration that is not at the start');
    if (target.includes(':')) fail('a colon in a processing instruction target');
    if (startsWith('?>')) {
      pos += 2;
      return { kind: 'pi', target, data: '' };
    }
    if (!skipSpace()) fail('expected whitespace after the processing instruction target');
    return { kind: 'pi', target, data: until('?>', 'processing instruction') };
  };
  const misc = (into: XmlNode[]) => {
    for (;;) {
      const start = pos;
      if (skipSpace()) into.push({ kind: 'text', value: xml.slice(start, pos) });
      else if (startsWith('<!--')) into.push(comment());
      else if (startsWith('<?')) into.push(pi());
      else if (startsWith('<!DOCTYPE') || startsWith('<!doctype')) fail('a DOCTYPE (not accepted)');
      else return;
    }
  };

  const element = (parent: XmlElement | undefined, depth: number): XmlElement => {
    if (depth > maxDepth) fail(`elements nested deeper than ${maxDepth}`);
    const start = pos;
    pos += 1; // <
    const qname = name();
    const raw: { name: string; value: string; at: number }[] = [];
    const names = new Set<string>();
    for (;;) {
      const spaced = skipSpace();
      if (startsWith('/>') || startsWith('>')) break;
      if (!spaced) fail('expected whitespace between attributes');
      const at = pos;
      const attrName = name();
      skipSpace();
      expect('=');
      skipSpace();
      const quote = xml[pos];
      if (quote !== '"' && quote !== "'") fail('expected a quoted attribute value');
      pos += 1;
      let value = '';
      for (;;) {
        const c = xml[pos];
        if (c === undefined) fail('unterminated attribute value');
        if (c === quote) break;
        if (c === '<') fail('"<" in an attribute value');
        if (c === '&') value += reference();
        else {
          // Attribute-value normalization (§3.3.3) without a DTD: every attribute is CDATA.
          value += c === '\t' || c === '\n' ? ' ' : c;
          pos += 1;
        }
      }
      pos += 1;
      if (names.has(attrName)) fail(`a duplicate attribute ${attrName}`, at);
      names.add(attrName);
      raw.push({ name: attrName, value, at });
    }

    const declarations = new Map<string, string>();
    for (const { name: attrName, value, at } of raw) {
      if (attrName === 'xmlns') {
        if (value === XML_NS || value === XMLNS_NS) fail('a reserved namespace as the default', at);
        declarations.set('', value);
      } else if (attrName.startsWith('xmlns:')) {
        const prefix = attrName.slice(6);
        if (!NCNAME.test(prefix)) fail(`a malformed prefix ${prefix}`, at);
        if (prefix === 'xmlns') fail('a declaration of the xmlns prefix', at);
        if ((prefix === 'xml') !== (value === XML_NS)) fail(`the xml prefix or namespace misbound`, at);
        if (value === XMLNS_NS) fail('the xmlns namespace bound to a prefix', at);
        if (value === '') fail(`an empty namespace for prefix ${prefix}`, at);
        declarations.set(prefix, value);
      }
    }
    const split = (qualified: string, at: number): [string, string] => {
      const colon = qualified.indexOf(':');
      const [prefix, local] =
        colon < 0 ? ['', qualified] : [qualified.slice(0, colon), qualified.slice(colon + 1)];
      if ((prefix && !NCNAME.test(prefix)) || !NCNAME.test(local)) fail(`a malformed name ${qualified}`, at);
      return [prefix, local];
    };
    const [prefix, localName] = split(qname, start + 1);
    const resolve = (p: string) => declarations.get(p) ?? lookupNamespace(parent, p);
    const namespaceURI = resolve(prefix) ?? '';
    if (prefix && !namespaceURI) fail(`an undeclared prefix ${prefix}`, start);
    const attributes: XmlAttribute[] = raw.map(({ name: attrName, value, at }) => {
      if (attrName === 'xmlns')
        return { name: attrName, prefix: '', localName: 'xmlns', namespaceURI: XMLNS_NS, value };
      const [p, l] = split(attrName, at);
      if (p === 'xmlns') return { name: attrName, prefix: p, localName: l, namespaceURI: XMLNS_NS, value };
      const uri = p ? resolve(p) : '';
      if (uri === undefined || (p && !uri)) fail(`an undeclared prefix ${p}`, at);
      return { name: attrName, prefix: p, localName: l, namespaceURI: uri, value };
    });
    const expanded = new Set<string>();
    for (const attribute of attributes) {
      const key = `${attribute.namespaceURI} ${attribute.localName}`;
      if (expanded.has(key)) fail(`a duplicate attribute ${attribute.name}`, start);
      expanded.add(key);
    }

    const node: XmlElement = {
      kind: 'element',
      name: qname,
      prefix,
      localName,
      namespaceURI,
      attributes,
      children: [],
      parent,
      declarations,
    };
    if (startsWith('/>')) {
      pos += 2;
      return node;
    }
    pos += 1; // >
    let text = '';
    const flush = () => {
      if (text) node.children.push({ kind: 'text', value: text });
      text = '';
    };
    for (;;) {
      const c = xml[pos];
      if (c === undefined) fail(`unclosed element ${qname}`, start);
      if (c === '<') {
        if (startsWith('</')) {
          flush();
          pos += 2;
          const end = name();
          if (end !== qname) fail(`</${end}> closing <${qname}>`);
          skipSpace();
          expect('>');
          return node;
        }
        flush();
        if (startsWith('<!--')) node.children.push(comment());
        else if (startsWith('<![CDATA[')) {
          pos += 9;
          const value = until(']]>', 'CDATA section');
          // An empty section is no content (xmldom drops it too, so re-serialization agrees).
          if (value) node.children.push({ kind: 'text', value, cdata: true });
        } else if (startsWith('<?')) node.children.push(pi());
        else if (startsWith('<!')) fail('a markup declaration inside an element');
        else node.children.push(element(node, depth + 1));
      } else if (c === '&') text += reference();
      else {
        TEXT.lastIndex = pos;
        const chunk = TEXT.exec(xml)![0];
        const close = chunk.indexOf(']]>');
        if (close >= 0) fail('"]]>" in text', pos + close);
        text += chunk;
        pos += chunk.length;
      }
    }
  };

  let declaration: string | undefined;
  const head = DECLARATION.exec(xml);
  if (head) {
    declaration = head[1];
    pos = head[0].length;
  } else if (/^<\?xml[\s?]/.test(xml)) fail('a malformed XML declaration');
  const children: XmlNode[] = [];
  misc(children);
  if (xml[pos] !== '<' || startsWith('<!')) fail('expected the root element');
  const root = element(undefined, 1);
  children.push(root);
  misc(children);
  if (pos < xml.length) fail('content after the root element');
  return { declaration, children, root };
}

/** The concatenated text of an element's descendants (CDATA included; comments and PIs not). */
export function textContent(node: XmlElement): string {
  let out = '';
  for (const child of node.children) {
    if (child.kind === 'text') out += child.value;
    else if (child.kind === 'element') out += textContent(child);
  }
  return out;
}

/** The child elements of `parent` with this namespace and local name. */
export function childElements(parent: XmlElement, namespaceURI: string, localName: string): XmlElement[] {
  return parent.children.filter(
    (child): child is XmlElement =>
      child.kind === 'element' && child.namespaceURI === namespaceURI && child.localName === localName,
  );
}

/** The value of an attribute in no namespace, if present. */
export const attribute = (node: XmlElement, localName: string): string | undefined =>
  node.attributes.find((a) => a.namespaceURI === '' && a.localName === localName)?.value;

/** The bytes of an xs:base64Binary value (whitespace ignored), or undefined if it is not strict base64. */
export function base64Binary(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) return undefined;
  return Buffer.from(compact, 'base64');
}
