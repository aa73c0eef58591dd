/**
 * A JSON Schema (OpenAPI 3.1's dialect, as the document has it) flattened
 * into rows a person reads: one per property, nested ones with a dotted
 * path (`admin.email`, `items[].slug`), each with its type in words, whether
 * it is required, its description and its constraints. References to
 * components are expanded in place (a reader wants the fields, not a hunt
 * through the page), once per branch so a cycle cannot loop.
 */
export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  description?: string;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  default?: unknown;
  examples?: unknown[];
  example?: unknown;
  nullable?: boolean;
};

export interface SchemaRow {
  /** Dotted path from the body's root; '' for the root itself when it is not an object. */
  path: string;
  type: string;
  required: boolean;
  description: string | undefined;
  /** Constraints and allowed values, in Spanish. */
  notes: string[];
}

const TYPE_WORD: Record<string, string> = {
  string: 'texto',
  integer: 'entero',
  number: 'número',
  boolean: 'booleano',
  object: 'objeto',
  array: 'lista',
  null: 'null',
};

const FORMAT_WORD: Record<string, string> = {
  email: 'correo',
  uuid: 'UUID',
  date: 'fecha AAAA-MM-DD',
  'date-time': 'instante ISO 8601',
  uri: 'URL',
  url: 'URL',
};

export type Resolver = (ref: string) => JsonSchema | undefined;

/** Resolves "#/components/schemas/X" against a document. */
export function resolverOf(doc: { components?: { schemas?: Record<string, unknown> } }): Resolver {
  return (ref) => {
    const m = /^#\/components\/schemas\/(.+)$/.exec(ref);
    return m ? (doc.components?.schemas?.[decodeURIComponent(m[1]!)] as JsonSchema | undefined) : undefined;
  };
}

function deref(s: JsonSchema, resolve: Resolver, seen: ReadonlySet<string>): { schema: JsonSchema; seen: ReadonlySet<string>; cyclic: boolean } {
  let schema = s;
  let chain = seen;
  while (schema.$ref) {
    if (chain.has(schema.$ref)) return { schema, seen: chain, cyclic: true };
    const target = resolve(schema.$ref);
    if (!target) return { schema, seen: chain, cyclic: true };
    chain = new Set([...chain, schema.$ref]);
    // A $ref beside a description (3.1 allows it): the local description wins.
    schema = { ...target, ...(schema.description ? { description: schema.description } : {}) };
  }
  return { schema, seen: chain, cyclic: false };
}

/** "null" alternatives dropped, reported as nullable. */
function alternatives(s: JsonSchema): { options: JsonSchema[]; nullable: boolean } | null {
  const list = s.anyOf ?? s.oneOf;
  if (!list) return null;
  const options = list.filter((o) => !(o.type === 'null' || (Array.isArray(o.type) && o.type.length === 1 && o.type[0] === 'null')));
  return { options, nullable: options.length < list.length };
}

function literal(v: unknown): string {
  return typeof v === 'string' ? `«${v}»` : JSON.stringify(v);
}

/** The type of a schema in a few words. */
export function typeWords(s: JsonSchema, resolve: Resolver, seen: ReadonlySet<string> = new Set()): string {
  const d = deref(s, resolve, seen);
  const schema = d.schema;
  if (d.cyclic) return (schema.$ref ?? '').split('/').pop() ?? 'objeto';
  const refName = s.$ref?.split('/').pop();
  if (schema.const !== undefined) return `constante ${literal(schema.const)}`;
  const alt = alternatives(schema);
  if (alt) {
    const words = [...new Set(alt.options.map((o) => typeWords(o, resolve, d.seen)))].join(' o ');
    return alt.nullable ? `${words || 'valor'} o null` : words || 'valor';
  }
  if (schema.allOf) return schema.allOf.map((o) => typeWords(o, resolve, d.seen)).join(' y ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length === 0) return schema.properties ? (refName ? `objeto ${refName}` : 'objeto') : schema.enum ? 'uno de los valores' : 'cualquier valor JSON';
  return types
    .map((t) => {
      if (t === 'array') return schema.items ? `lista de ${typeWords(schema.items, resolve, d.seen)}` : 'lista';
      const word = t === 'object' && refName ? `objeto ${refName}` : (TYPE_WORD[t] ?? t);
      return t === 'string' && schema.format ? `${word} (${FORMAT_WORD[schema.format] ?? schema.format})` : word;
    })
    .join(' o ');
}

function notesOf(s: JsonSchema): string[] {
  const notes: string[] = [];
  if (s.enum) notes.push(`Valores: ${s.enum.map(literal).join(', ')}.`);
  if (s.minLength !== undefined && s.maxLength !== undefined) notes.push(`De ${s.minLength} a ${s.maxLength} caracteres.`);
  else if (s.minLength !== undefined) notes.push(`Al menos ${s.minLength} caracteres.`);
  else if (s.maxLength !== undefined) notes.push(`Hasta ${s.maxLength} caracteres.`);
  const min = s.minimum ?? s.exclusiveMinimum;
  const max = s.maximum ?? s.exclusiveMaximum;
  if (min !== undefined) notes.push(`${s.exclusiveMinimum !== undefined ? 'Mayor que' : 'Mínimo'} ${min}.`);
  if (max !== undefined) notes.push(`${s.exclusiveMaximum !== undefined ? 'Menor que' : 'Máximo'} ${max}.`);
  if (s.minItems !== undefined) notes.push(`Al menos ${s.minItems} elementos.`);
  if (s.maxItems !== undefined) notes.push(`Hasta ${s.maxItems} elementos.`);
  if (s.pattern) notes.push(`Forma: \`${s.pattern}\`.`);
  if (s.default !== undefined) notes.push(`Si no se envía: ${literal(s.default)}.`);
  const example = s.examples?.[0] ?? s.example;
  if (example !== undefined) notes.push(`Ejemplo: ${literal(example)}.`);
  return notes;
}

const MAX_DEPTH = 8;

/** The rows of a body schema. An object's own row is left out at the root: its fields are the rows. */
export function schemaRows(root: JsonSchema, resolve: Resolver): SchemaRow[] {
  const rows: SchemaRow[] = [];
  const walk = (s: JsonSchema, path: string, required: boolean, seen: ReadonlySet<string>, depth: number, inheritedDescription?: string) => {
    const d = deref(s, resolve, seen);
    const schema = d.schema;
    const description = schema.description ?? inheritedDescription;
    const alt = alternatives(schema);
    // A nullable object or list (anyOf [X, null]): its fields are X's.
    const inner = alt && alt.options.length === 1 ? deref(alt.options[0]!, resolve, d.seen) : null;
    const body = inner && !inner.cyclic ? inner.schema : schema;
    const isRoot = path === '';
    if (!isRoot || !body.properties) {
      rows.push({ path, type: typeWords(s, resolve, seen), required, description, notes: notesOf({ ...schema, ...(inner ? inner.schema : {}) }) });
    }
    if (d.cyclic || depth >= MAX_DEPTH) return;
    const chain = inner ? inner.seen : d.seen;
    if (body.properties) {
      const req = new Set(body.required ?? []);
      for (const [name, prop] of Object.entries(body.properties)) walk(prop, path ? `${path}.${name}` : name, req.has(name), chain, depth + 1);
    } else if (body.items) {
      const items = deref(body.items, resolve, chain);
      if (!items.cyclic && (items.schema.properties || items.schema.items)) {
        const req = new Set(items.schema.required ?? []);
        for (const [name, prop] of Object.entries(items.schema.properties ?? {})) walk(prop, `${path}[].${name}`, req.has(name), items.seen, depth + 1);
      }
    } else if (alt && alt.options.length > 1) {
      alt.options.forEach((o, i) => {
        const opt = deref(o, resolve, d.seen);
        if (!opt.cyclic && opt.schema.properties) {
          const req = new Set(opt.schema.required ?? []);
          for (const [name, prop] of Object.entries(opt.schema.properties)) walk(prop, `${path ? `${path}.` : ''}(opción ${i + 1}) ${name}`, req.has(name), opt.seen, depth + 1);
        }
      });
    }
  };
  walk(root, '', true, new Set(), 0);
  return rows;
}
