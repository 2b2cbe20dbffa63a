import type { FastifyReply, FastifyRequest } from 'fastify';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';

/** The media types of the official document, by the short names the operations table uses. */
export const MEDIA = {
  json: 'application/json',
  xml: 'application/xml',
  form: 'application/x-www-form-urlencoded',
  binary: 'application/octet-stream',
} as const;
export type Media = keyof typeof MEDIA;

/** Wrapped arrays of the official document's XML: the wrapper's name and each item's element name. */
const WRAPPED_ARRAYS: Record<string, string> = { photoUrls: 'photoUrl', tags: 'tag' };
const ITEM_ELEMENTS = new Set(Object.values(WRAPPED_ARRAYS));

const parser = new XMLParser({
  // Every value stays text; the schemas coerce numbers and flags, as they do for forms.
  parseTagValue: false,
  ignoreAttributes: true,
  isArray: (name) => ITEM_ELEMENTS.has(name),
  processEntities: true,
});

/** The element name of a wrapped list's items (`photoUrls` holds `photoUrl`s), or undefined for any other key. */
const itemElementOf = (key: string) => (Object.hasOwn(WRAPPED_ARRAYS, key) ? WRAPPED_ARRAYS[key] : undefined);

/** Rebuilds a parsed value; `property` says what each object property becomes, and recurses with `again`. */
function rebuild(
  value: unknown,
  property: (key: string, inner: unknown, again: (inner: unknown) => unknown) => unknown,
): unknown {
  const again = (inner: unknown) => rebuild(inner, property);
  if (Array.isArray(value)) return value.map(again);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, property(key, inner, again)]));
}

/** `<pet><photoUrls><photoUrl>a</photoUrl></photoUrls>…</pet>` as `{ photoUrls: ['a'], … }`. */
const unwrapArrays = (value: unknown) =>
  rebuild(value, (key, inner, again) => {
    const item = itemElementOf(key);
    if (item === undefined) return again(inner);
    const items = inner && typeof inner === 'object' ? (inner as Record<string, unknown>)[item] : undefined;
    return again(items ?? []);
  });

/** An XML body as the object it describes: the content of its one root element (`<pet>`, `<order>`, `<user>`). */
export function parseXml(body: string): unknown {
  // No document type: nothing a client sends needs one, and entity declarations are how XML bodies attack parsers.
  if (/<!DOCTYPE/i.test(body)) throw new Error('an XML body has no document type declaration');
  const document = parser.parse(body, true) as Record<string, unknown>;
  const roots = Object.keys(document).filter((name) => !name.startsWith('?'));
  if (roots.length !== 1) throw new Error('an XML body has exactly one root element');
  const content = document[roots[0] as string];
  return unwrapArrays(content === '' ? {} : content);
}

/** A form body as an object: a key sent several times (`photoUrls`) becomes a list; a wrapped array always is one. */
export function parseForm(body: string): Record<string, unknown> {
  // A Map, then own properties: a field named `__proto__` is a field like any other (and refused as unknown).
  const fields = new Map<string, string | string[]>();
  for (const [key, value] of new URLSearchParams(body)) {
    const previous = fields.get(key);
    if (previous === undefined) fields.set(key, itemElementOf(key) ? [value] : value);
    else fields.set(key, [previous, value].flat());
  }
  return Object.fromEntries(fields);
}

const builder = new XMLBuilder({ format: false, suppressEmptyNode: false });

/** Wraps lists as the official XML does: `photoUrls` holds `photoUrl` elements. */
const wrapArrays = (value: unknown) =>
  rebuild(value, (key, inner, again) => {
    const item = itemElementOf(key);
    return item && Array.isArray(inner) ? { [item]: again(inner) } : again(inner);
  });

/** A value as XML with the official element names: `element` for one, `element` items under `list` for many. */
function toXml(value: unknown, element: string, list?: string): string {
  const body = Array.isArray(value)
    ? { [list ?? `${element}s`]: { [element]: wrapArrays(value) } }
    : { [element]: wrapArrays(value) };
  return `<?xml version="1.0" encoding="UTF-8"?>${builder.build(body)}`;
}

/** Whether the client asked for XML over JSON (`Accept`); JSON when it names neither, or both equally. */
function wantsXml(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  if (!accept || !accept.includes('xml')) return false;
  const quality = (type: string) => {
    const entry = accept
      .split(',')
      .map((part) => part.trim().split(';'))
      .find(([name]) => name?.trim() === type);
    if (!entry) return -1;
    const q = entry.find((parameter) => parameter.trim().startsWith('q='));
    return q ? Number(q.trim().slice(2)) : 1;
  };
  return quality(MEDIA.xml) > Math.max(quality(MEDIA.json), quality('*/*') - 0.001);
}

/** Sends an answer in the official shape, as XML when asked for and offered (`element` names it), else JSON. */
export function sendOfficial(
  request: FastifyRequest,
  reply: FastifyReply,
  value: unknown,
  xml: { element: string; list?: string } | undefined,
) {
  if (!xml) return reply.type('application/json; charset=utf-8').send(JSON.stringify(value));
  // The representation depends on Accept: caches must keep the two apart.
  reply.header('vary', 'Accept');
  if (wantsXml(request)) {
    return reply.type(`${MEDIA.xml}; charset=utf-8`).send(toXml(value, xml.element, xml.list));
  }
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(value));
}
