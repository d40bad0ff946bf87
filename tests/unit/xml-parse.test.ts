/**
 * shared/xml/parse.ts and serialize.ts against @xmldom/xmldom, the library they replaced
 * (tests/support/xml-oracle.ts): on generated documents (tests/support/xml-arbitraries.ts) both
 * parsers build the same tree (names, namespaces, attributes in order, text, comments, PIs) and our
 * serializer writes what xmldom's does; buildEdxml writes, byte for byte, what it wrote on xmldom.
 * Then what the parser must refuse, each time with an XmlError and nothing else.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildEdxml, type EdxmlPackage } from '#shared/documents/edxml.ts';
import { canonicalize } from '#shared/xml/c14n.ts';
import { parseXml, type XmlElement, XmlError, type XmlNode } from '#shared/xml/parse.ts';
import { serializeNode } from '#shared/xml/serialize.ts';
import { xmlDocumentArbitrary } from '#tests/support/xml-arbitraries.ts';
import {
  mergeText,
  type PlainNode,
  xmldomBuildEdxml,
  xmldomRoundTrip,
  xmldomTree,
} from '#tests/support/xml-oracle.ts';

function plainOf(node: XmlNode): PlainNode {
  switch (node.kind) {
    case 'element':
      return plain(node);
    case 'text':
      return { text: node.value };
    case 'comment':
      return { comment: node.value };
    case 'pi':
      return { pi: node.target, data: node.data };
  }
}
const plain = (node: XmlElement): PlainNode => ({
  element: node.name,
  ns: node.namespaceURI,
  local: node.localName,
  attributes: node.attributes.map((a) => [a.name, a.namespaceURI, a.value]),
  children: mergeText(node.children.map(plainOf)),
});

describe('the XML parser against xmldom', () => {
  it('builds the same tree and serializes it the same way', () => {
    fc.assert(
      fc.property(xmlDocumentArbitrary(), (xml) => {
        const ours = parseXml(xml);
        // A string has no byte order mark to xmldom; ours skips one (a decoded file may keep it).
        const unmarked = xml.replace(/^\uFEFF/, '');
        expect(plain(ours.root)).toEqual(xmldomTree(unmarked));
        const theirs = xmldomRoundTrip(unmarked);
        expect(serializeNode(ours.root)).toBe(
          theirs.slice(theirs.indexOf('<', theirs.startsWith('<?xml') ? 2 : 0)),
        );
      }),
      { numRuns: 400 },
    );
  });

  it('keeps the XML declaration and line ends as xmldom does', () => {
    const xml = '\uFEFF<?xml version="1.0" encoding="UTF-8"?>\r\n<a x="1\r\n2\t3&#9;">t\r\nu\rv&#13;</a>';
    const doc = parseXml(xml);
    expect(doc.declaration).toBe('version="1.0" encoding="UTF-8"');
    expect(doc.root.attributes[0]!.value).toBe('1 2 3\t');
    expect(doc.root.children).toEqual([{ kind: 'text', value: 't\nu\nv\r' }]);
    expect(plain(doc.root)).toEqual(xmldomTree(xml.slice(1)));
  });
});

const organ = fc.record(
  {
    organId: fc.string({ minLength: 1, maxLength: 12 }),
    organName: fc.string({ minLength: 1, maxLength: 20 }),
    organInCharge: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
    email: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
  },
  { requiredKeys: ['organId', 'organName'] },
);
const vietnamese = fc
  .array(
    fc.constantFrom('Kế', ' hoạch', ' "số"', ' <2027>', ' &', '\t', '\n', '\r\n', ']]>', 'Đ', '🙂', "'"),
    {
      maxLength: 8,
    },
  )
  .map((parts) => parts.join(''));
const packageArbitrary: fc.Arbitrary<EdxmlPackage> = fc.record({
  from: organ,
  to: fc.array(organ, { minLength: 1, maxLength: 2 }),
  documentId: fc.string({ maxLength: 20 }),
  code: fc.record({ number: fc.nat(9999), notation: vietnamese }),
  promulgation: fc.record({
    place: fc.option(vietnamese, { nil: undefined }),
    date: fc.constant('2026-11-22'),
  }),
  documentType: fc.record({
    type: fc.constantFrom(1 as const, 2 as const),
    typeDetail: vietnamese,
    typeName: vietnamese,
  }),
  subject: vietnamese,
  content: fc.option(vietnamese, { nil: undefined }),
  signer: fc.record({
    competence: fc.option(vietnamese, { nil: undefined }),
    position: vietnamese,
    fullName: vietnamese,
  }),
  dueDate: fc.option(fc.constant('2026-12-01'), { nil: undefined }),
  toPlaces: fc.array(vietnamese, { maxLength: 2 }),
  priority: fc.nat(3),
  steeringType: fc.nat(3),
  responseFor: fc.option(vietnamese, { nil: undefined }),
  trace: fc.array(fc.record({ organId: vietnamese, timestamp: fc.constant('2026-11-22T03:00:00.000Z') }), {
    maxLength: 2,
  }),
  business: fc.record({ docType: fc.nat(3), reason: fc.option(vietnamese, { nil: undefined }) }),
  attachments: fc.array(
    fc.record({
      contentId: vietnamese,
      fileName: vietnamese,
      contentType: fc.constant('application/pdf'),
      description: fc.option(vietnamese, { nil: undefined }),
      bytes: fc.uint8Array({ maxLength: 40 }),
    }),
    { maxLength: 2 },
  ),
});

describe('buildEdxml', () => {
  it('writes the bytes it wrote on xmldom', () => {
    fc.assert(
      fc.property(packageArbitrary, (pkg) => {
        expect(buildEdxml(pkg)).toBe(xmldomBuildEdxml(pkg));
      }),
      { numRuns: 200 },
    );
  });
});

describe('the XML parser refuses', () => {
  const refused: [string, string][] = [
    ['a DOCTYPE', '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'],
    [
      'billion laughs',
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><lolz>&lol2;</lolz>',
    ],
    ['an undefined entity', '<a>&nbsp;</a>'],
    ['an undefined entity in an attribute', '<a b="&x;"/>'],
    ['an undeclared element prefix', '<p:a/>'],
    ['an undeclared attribute prefix', '<a p:b="1"/>'],
    ['an empty prefix binding', '<a xmlns:p=""/>'],
    ['the xml prefix rebound', '<a xmlns:xml="urn:x"/>'],
    ['the xmlns prefix declared', '<a xmlns:xmlns="urn:x"/>'],
    ['mismatched tags', '<a><b></a></b>'],
    ['an unclosed root', '<a><b/>'],
    ['a duplicate attribute', '<a b="1" b="2"/>'],
    ['a duplicate expanded attribute', '<a xmlns:p="urn:x" xmlns:q="urn:x" p:b="1" q:b="2"/>'],
    ['a malformed name', '<1a/>'],
    ['two colons in a name', '<a:b:c xmlns:a="urn:x"/>'],
    ['content after the root', '<a/><b/>'],
    ['text after the root', '<a/>x'],
    ['no root', '<?xml version="1.0"?>'],
    ['a bad char ref', '<a>&#0;</a>'],
    ['a surrogate char ref', '<a>&#xD800;</a>'],
    ['an out-of-range char ref', '<a>&#x110000;</a>'],
    ['a control character', '<a>\u0001</a>'],
    ['"<" in an attribute', '<a b="<"/>'],
    ['an unquoted attribute', '<a b=1/>'],
    ['"--" in a comment', '<a><!-- a -- b --></a>'],
    ['"]]>" in text', '<a>]]></a>'],
    ['an unterminated CDATA', '<a><![CDATA[x</a>'],
    ['a misplaced XML declaration', '<a><?xml version="1.0"?></a>'],
    ['a malformed XML declaration', '<?xml encoding="UTF-8"?><a/>'],
    ['a lone ampersand', '<a>a & b</a>'],
    ['no whitespace between attributes', '<a b="1"c="2"/>'],
    ['an empty document', ''],
  ];
  it.each(refused)('%s', (_, xml) => {
    expect(() => parseXml(xml)).toThrow(XmlError);
  });

  it('deep nesting and oversized input', () => {
    expect(() => parseXml(`${'<a>'.repeat(65)}${'</a>'.repeat(65)}`)).toThrow(/deeper than 64/);
    expect(() => parseXml(`${'<a>'.repeat(64)}${'</a>'.repeat(64)}`)).not.toThrow();
    expect(() => parseXml(`${'<a>'.repeat(100_000)}`)).toThrow(XmlError);
    expect(() => parseXml(`<a b="${'x'.repeat(2000)}"/>`, { maxLength: 1000 })).toThrow(/longer than/);
    const huge = `<a b="${'x'.repeat(5_000_000)}">${'&amp;'.repeat(100_000)}</a>`;
    expect(parseXml(huge).root.attributes[0]!.value).toHaveLength(5_000_000);
  });

  it('many declarations over many elements: no copy of the namespaces per element', () => {
    // 20,000 declarations on the root and 20,000 children (0.5 MB): a copy per element ran out of
    // memory; the lookup through the ancestors takes well under a second, canonicalized too.
    const n = 20_000;
    const declarations = Array.from({ length: n }, (_, i) => `xmlns:p${i}="urn:${i}"`).join(' ');
    const started = performance.now();
    const doc = parseXml(`<r ${declarations}>${'<c/>'.repeat(n)}</r>`);
    const inclusive = canonicalize(doc.root, { exclusive: false });
    expect(inclusive.split('<c></c>')).toHaveLength(n + 1);
    expect(inclusive.match(/xmlns:/g)).toHaveLength(n);
    canonicalize(doc.root, { exclusive: true, prefixList: ['p1'] });
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('any mangled document: an XmlError or a tree, nothing else', () => {
    fc.assert(
      fc.property(xmlDocumentArbitrary(), fc.nat(), fc.string({ maxLength: 3 }), (xml, at, insert) => {
        const i = at % (xml.length + 1);
        const mangled = xml.slice(0, i) + insert + xml.slice(i + (at % 3));
        try {
          parseXml(mangled);
        } catch (error) {
          expect(error).toBeInstanceOf(XmlError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
