import fc from 'fast-check';
import type { JsonSchema, Resolver } from '../../src/api/reference/schema-rows.ts';

/**
 * Random input for the API's fuzz test: bodies shaped by the operation's
 * own schema (so they reach the validators and the operation, not only the
 * JSON parser) and bodies of junk, path segments and query strings that are
 * anything a client could type, and the headers the API reads.
 */

/** Strings a careless or hostile client sends: empty, blank, unicode of every plane, control characters, long, injection-looking. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', ' ', '\t\n', 'null', 'true', '0', '-1', '1e999', 'NaN', '<script>alert(1)</script>', "' OR 1=1 --", '../../etc/passwd', '%00', '\u0000', '\u202e', '\ud83d\ude00', 'ñandú', 'Ω≈ç√'),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer({ min: 200, max: 3000 }).map((n) => 'x'.repeat(n)),
);

/** A JSON value of any shape, nested a little. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: 'small' },
  fc.jsonValue({ maxDepth: 3 }),
  nastyString,
  fc.constantFrom(null, true, false, 0, -0, 1.5, Number.MAX_SAFE_INTEGER, -1e308, [], {}),
);

const pick = <T>(xs: T[]) => fc.constantFrom(...xs);

/** A value that fits `schema` often and misses it sometimes (wrong type, out of range, null), following references. */
export function fromSchema(schema: JsonSchema | undefined, resolve: Resolver, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return anyJson;
  if (schema.$ref) return fromSchema(resolve(schema.$ref), resolve, depth + 1);
  const options = schema.anyOf ?? schema.oneOf;
  if (options?.length) return fc.oneof(...options.map((o) => fromSchema(o, resolve, depth + 1)), anyJson);
  if (schema.allOf?.length) return fromSchema(schema.allOf[0], resolve, depth + 1);
  const fitting: fc.Arbitrary<unknown>[] = [];
  if (schema.const !== undefined) fitting.push(fc.constant(schema.const));
  if (schema.enum?.length) fitting.push(pick(schema.enum));
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  for (const t of types) {
    if (t === 'string') {
      const max = Math.min(schema.maxLength ?? 60, 300);
      fitting.push(fc.string({ minLength: Math.min(schema.minLength ?? 0, max), maxLength: max }));
      if (schema.format === 'email') fitting.push(fc.emailAddress());
      if (schema.format === 'uuid') fitting.push(fc.uuid());
      if (schema.format === 'date' || /\\d\{4\}/.test(schema.pattern ?? '')) fitting.push(fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)));
      if (schema.maxLength !== undefined) fitting.push(fc.constant('y'.repeat(schema.maxLength + 1)));
    } else if (t === 'integer' || t === 'number') {
      const min = schema.minimum ?? -1e6;
      const max = schema.maximum ?? 1e6;
      fitting.push(fc.integer({ min: Math.ceil(min), max: Math.floor(Math.max(min, max)) }), fc.constantFrom(min - 1, max + 1, 0.5));
    } else if (t === 'boolean') {
      fitting.push(fc.boolean());
    } else if (t === 'null') {
      fitting.push(fc.constant(null));
    } else if (t === 'array') {
      fitting.push(fc.array(fromSchema(schema.items, resolve, depth + 1), { maxLength: 5 }));
    } else if (t === 'object' || schema.properties) {
      fitting.push(objectFromSchema(schema, resolve, depth));
    }
  }
  if (types.length === 0 && schema.properties) fitting.push(objectFromSchema(schema, resolve, depth));
  if (fitting.length === 0) return anyJson;
  // Mostly what the schema asks for, sometimes anything at all.
  return fc.oneof({ arbitrary: fc.oneof(...fitting), weight: 4 }, { arbitrary: anyJson, weight: 1 });
}

function objectFromSchema(schema: JsonSchema, resolve: Resolver, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const props = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  const shape = Object.fromEntries(props.map(([name, s]) => [name, fromSchema(s, resolve, depth + 1)]));
  // Required keys kept most of the time (a body missing one is a case too); extra keys now and then.
  return fc
    .tuple(fc.record(shape, { requiredKeys: [] }), fc.array(fc.boolean(), { minLength: props.length, maxLength: props.length }), fc.option(fc.dictionary(fc.string({ maxLength: 12 }), anyJson, { maxKeys: 3 })))
    .map(([values, drops, extra]) => {
      const out: Record<string, unknown> = { ...(extra ?? {}) };
      props.forEach(([name], i) => {
        if (name in values && !(required.has(name) && drops[i] && depth === 0 && i % 3 === 0)) out[name] = values[name];
      });
      return out;
    });
}

/** A JSON array or object nested `depth` deep. */
const deep = (depth: number, kind: 'array' | 'object') => (kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth));

/** A request body as it goes on the wire: JSON text from the schema or junk, or text that is not JSON at all. */
export function bodyText(schema: JsonSchema | undefined, resolve: Resolver, example: unknown): fc.Arbitrary<string | undefined> {
  const exampleObject = example && typeof example === 'object' && !Array.isArray(example) ? (example as Record<string, unknown>) : {};
  const keys = Object.keys(exampleObject);
  const mutatedExample = keys.length
    ? fc.tuple(pick(keys), anyJson).map(([k, v]) => JSON.stringify({ ...exampleObject, [k]: v }))
    : fc.constant(JSON.stringify(exampleObject));
  return fc.oneof(
    { arbitrary: fromSchema(schema, resolve).map((v) => JSON.stringify(v) ?? 'null'), weight: 5 },
    { arbitrary: mutatedExample, weight: 3 },
    { arbitrary: fc.constant(JSON.stringify(example ?? {})), weight: 1 },
    { arbitrary: anyJson.map((v) => JSON.stringify(v) ?? 'null'), weight: 2 },
    { arbitrary: fc.constantFrom(undefined, '', '   ', '{', '{"a":', '[1,2', 'nul', '\ufeff{}', '{"a":1}{"b":2}', "{'a':1}", '{"a":NaN}', '\u0000'), weight: 2 },
    { arbitrary: fc.integer({ min: 10, max: 3000 }).chain((d) => pick(['array', 'object'] as const).map((k) => deep(d, k))), weight: 1 },
    { arbitrary: fc.integer({ min: 60_000, max: 80_000 }).map((n) => JSON.stringify({ name: 'z'.repeat(n) })), weight: 1 },
  );
}

/** A dot segment, raw or encoded: the URL parser (fetch's, a browser's) resolves it before sending, so the request goes to another path. */
const dotSegment = /^(\.|%2e){1,2}$/i;

/**
 * A path segment where a parameter goes: the example's own value, or
 * anything percent-encoded, or raw bytes a URL allows (not dot segments:
 * api-raw-http.test.ts sends those unresolved).
 */
export function pathSegment(example: string): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constant(example), weight: 3 },
    { arbitrary: nastyString.filter((s) => s.length > 0 && s.length < 2000).map(encodeURIComponent).filter((s) => !dotSegment.test(s)), weight: 4 },
    { arbitrary: fc.constantFrom('%', '%zz', '%C0%AF', '%FF', '%2F', 'x%00y', '0', '-1', '99999999999999999999', example.toUpperCase(), `${example}x`), weight: 2 },
    { arbitrary: fc.uuid(), weight: 1 },
  );
}

/** A query string: the operation's own parameters with any value, and keys it does not know. */
export function queryString(names: string[]): fc.Arbitrary<string> {
  const known = names.length ? fc.tuple(pick(names), fc.oneof(nastyString, fc.integer().map(String), fc.constantFrom('', '0', '-5', '201', '1.5', 'abc'))) : fc.constant(null);
  const unknown = fc.tuple(fc.string({ maxLength: 10 }), nastyString);
  return fc.array(fc.oneof(known, unknown), { maxLength: 4 }).map((pairs) => {
    const parts = pairs.filter((p): p is [string, string] => p !== null).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
    return parts.length ? `?${parts.join('&')}` : '';
  });
}

/** Header values fetch can send (latin-1 without controls: undici refuses CR, LF, NUL and DEL), often odd. */
const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), maxLength: 300 }),
  fc.uuid(),
  fc.constantFrom('', ' ', 'a,b', '*', '"x"', 'W/"x"', '"', 'x'.repeat(256)),
).map((v) => v.trim());

export const randomHeaders: fc.Arbitrary<Record<string, string>> = fc
  .record(
    {
      'idempotency-key': headerValue,
      'if-match': headerValue,
      'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/problem+json', 'application/merge-patch+json', ''),
      accept: fc.constantFrom('application/json', 'text/html', '*/*', 'application/xml'),
      'content-encoding': fc.constantFrom('gzip', 'identity', 'br'),
    },
    { requiredKeys: [] },
  )
  .map((h) => Object.fromEntries(Object.entries(h).filter(([k, v]) => !(k === 'content-type' && v === ''))));
