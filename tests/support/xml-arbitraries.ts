/**
 * Generated XML documents for the differential tests of shared/xml/ against xmldom and xml-crypto
 * (tests/support/xml-oracle.ts): namespaces default, prefixed, redeclared and undeclared by
 * xmlns="", attributes with references and whitespace, text with special and Vietnamese
 * characters, CDATA, comments and PIs, written with varied but always well-formed syntax.
 *
 * `forC14n` leaves out what xml-crypto canonicalizes differently from the specs (and from ours):
 * PIs inside the root (it writes their data as text), `& < >` in comments (it escapes them),
 * empty CDATA sections (it throws), xml:* attributes (it does not inherit them), `&` in
 * namespace URIs (it does not escape them) and xmlns="" (it repeats it on descendants whose output
 * parent already undid the default namespace).
 */
import fc from 'fast-check';

const PREFIXES = ['a', 'b', 'ns1'] as const;
const URIS = ['urn:x', 'urn:y', 'http://e.vn/z?q=1&r=2', 'urn:vi:Việt'] as const;
/** xml-crypto writes namespace URIs unescaped (the C14N specs escape them as attribute values). */
const C14N_URIS = ['urn:x', 'urn:y', 'http://e.vn/z?q=1', 'urn:vi:Việt'] as const;
const LOCAL_NAMES = ['e', 'f', 'Vì', 'x-y', 'z.1', '_k'] as const;
const TEXT_UNITS = [
  'a',
  'Z',
  ' ',
  '\t',
  '\n',
  '\r\n',
  '\r',
  '&',
  '<',
  '>',
  '"',
  "'",
  ']',
  'ệ',
  'Đ',
  'ữ',
  '🙂',
  '0',
];

interface GenElement {
  declarations: { prefix: string; uri: string }[];
  prefix: string;
  local: string;
  attributes: { prefix: string; local: string; value: string }[];
  children: GenNode[];
}
type GenNode =
  | { element: GenElement }
  | { text: string; style: number }
  | { cdata: string }
  | { comment: string }
  | { pi: string; data: string };

const text = fc.array(fc.constantFrom(...TEXT_UNITS), { maxLength: 12 }).map((units) => units.join(''));

function nodeArbitrary(forC14n: boolean) {
  const { element } = fc.letrec<{ element: GenElement; node: GenNode }>((tie) => ({
    element: fc.record({
      declarations: fc.array(
        fc.oneof(
          fc.record({
            prefix: fc.constantFrom(...PREFIXES),
            uri: fc.constantFrom(...(forC14n ? C14N_URIS : URIS)),
          }),
          fc.record({
            prefix: fc.constant(''),
            // xml-crypto writes xmlns="" again below an element that already undid the default.
            uri: forC14n ? fc.constantFrom(...C14N_URIS) : fc.constantFrom('', ...URIS),
          }),
        ),
        { maxLength: 3 },
      ),
      prefix: fc.constantFrom('', ...PREFIXES),
      local: fc.constantFrom(...LOCAL_NAMES),
      attributes: fc.array(
        fc.record({
          prefix: fc.constantFrom('', '', ...PREFIXES, ...(forC14n ? [] : ['xml'])),
          local: fc.constantFrom(...LOCAL_NAMES, 'lang'),
          value: text,
        }),
        { maxLength: 4 },
      ),
      children: fc.array(tie('node'), { maxLength: 4 }),
    }),
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.record({ text, style: fc.nat(3) }),
      fc.record({ element: tie('element') }),
      fc.record({ cdata: text.filter((s) => !s.includes(']]>') && !(forC14n && s === '')) }),
      fc.record({
        comment: (forC14n ? text.map((s) => s.replace(/[&<>\r]/g, '')) : text).filter(
          (s) => !s.includes('--') && !s.endsWith('-'),
        ),
      }),
      ...(forC14n
        ? []
        : [fc.record({ pi: fc.constantFrom('pi', 'go-1'), data: text.filter((s) => !s.includes('?>')) })]),
    ),
  }));
  return element;
}

/** Text as markup; a `>` stays raw in style 3 unless it would close "]]>" with what `before` ends with. */
function escapeText(value: string, style: number, before: string): string {
  let out = '';
  for (const c of value) {
    if (c === '&') out += ['&amp;', '&#38;', '&#x26;'][style % 3];
    else if (c === '<') out += style % 2 ? '&#60;' : '&lt;';
    else if (c === '>') out += style === 3 && !(before + out).endsWith(']]') ? '>' : '&gt;';
    else if (c === '\r') out += '&#13;';
    else if (c === 'ệ' && style === 2) out += '&#x1EC7;';
    else out += c;
  }
  return out;
}

const escapeAttribute = (value: string, quote: string) =>
  value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(quote === '"' ? /"/g : /'/g, quote === '"' ? '&quot;' : '&apos;')
    .replace(/\r/g, '&#xD;')
    .replace(/\t/g, (tab) => (value.length % 2 ? '&#9;' : tab));

/** Writes a generated element; namespaces are declared where they are needed but not in scope. */
function render(
  element: GenElement,
  scope: ReadonlyMap<string, string>,
  seed: number,
  uris: readonly string[],
): string {
  const inScope = new Map(scope);
  const declared = new Map<string, string>();
  for (const { prefix, uri } of element.declarations) {
    if (!declared.has(prefix)) declared.set(prefix, uri);
  }
  const need = (prefix: string) => {
    if (prefix && prefix !== 'xml' && !declared.has(prefix) && !inScope.get(prefix))
      declared.set(prefix, uris[(seed + prefix.length) % uris.length]!);
  };
  need(element.prefix);
  for (const a of element.attributes) need(a.prefix);
  for (const [prefix, uri] of declared) inScope.set(prefix, uri);
  const seenNames = new Set<string>();
  const seenExpanded = new Set<string>();
  const parts = [...declared].map(
    ([prefix, uri]) => `${prefix ? `xmlns:${prefix}` : 'xmlns'}="${escapeAttribute(uri, '"')}"`,
  );
  for (const a of element.attributes) {
    const name = a.prefix ? `${a.prefix}:${a.local}` : a.local;
    const expanded = `${a.prefix ? (a.prefix === 'xml' ? 'xml' : inScope.get(a.prefix)) : ''} ${a.local}`;
    if (seenNames.has(name) || seenExpanded.has(expanded)) continue;
    seenNames.add(name);
    seenExpanded.add(expanded);
    const quote = (seed + a.value.length) % 3 ? '"' : "'";
    const space = seed % 4 === 1 ? ' \n ' : ' ';
    parts.push(
      `${name}${seed % 5 === 2 ? ' = ' : '='}${quote}${escapeAttribute(a.value, quote)}${quote}${space}`.trimEnd(),
    );
  }
  const qname = element.prefix ? `${element.prefix}:${element.local}` : element.local;
  const open = `<${qname}${parts.map((p) => ` ${p}`).join('')}${seed % 7 === 3 ? '\t' : ''}`;
  if (element.children.length === 0 && seed % 2) return `${open}/>`;
  let content = '';
  for (const [i, child] of element.children.entries()) {
    if ('element' in child) content += render(child.element, inScope, seed * 31 + i, uris);
    else if ('text' in child) content += escapeText(child.text, child.style, content);
    else if ('cdata' in child) content += `<![CDATA[${child.cdata}]]>`;
    else if ('comment' in child) content += `<!--${child.comment}-->`;
    else content += `<?${child.pi}${child.data ? ` ${child.data}` : ''}?>`;
  }
  return `${open}>${content}</${qname}${seed % 3 === 2 ? ' ' : ''}>`;
}

/** A whole document as text: maybe a declaration and a comment, then the root. */
export function xmlDocumentArbitrary(options: { forC14n?: boolean } = {}): fc.Arbitrary<string> {
  return fc
    .record({
      root: nodeArbitrary(options.forC14n ?? false),
      seed: fc.nat(1000),
      declaration: fc.boolean(),
      bom: fc.boolean(),
    })
    .map(
      ({ root, seed, declaration, bom }) =>
        `${bom && !options.forC14n ? '\uFEFF' : ''}${declaration ? '<?xml version="1.0" encoding="UTF-8"?>\n' : ''}${render(root, new Map(), seed, options.forC14n ? C14N_URIS : URIS)}`,
    );
}
