// Request XML: the five XML entities and numeric character references are decoded (the JS SDK
// writes "\r\n" as &#x0D;&#x0A;), an escaped reference stays literal, and HTML-only names are
// not entities in XML.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseXml } from '../../src/protocols/xml.js';

test('entities and character references in request XML', () => {
  const doc = parseXml('<a><b>x&#x0D;&#x0A;y|&#9;|&#128512;|&amp;#13;|&lt;&amp;&gt;&apos;&quot;|&nbsp;</b></a>');
  const text = ((doc.a as Record<string, unknown>[])[0].b as unknown[])[0];
  assert.equal(text, 'x\r\ny|\t|😀|&#13;|<&>\'"|&nbsp;');
});
