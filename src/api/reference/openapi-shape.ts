import type { JsonSchema } from './schema-rows.ts';

/** The parts of an OpenAPI 3.1 document the reference page reads (the document itself is openapi-document.ts's). */
export interface MediaType {
  schema?: JsonSchema;
}

export interface ResponseObject {
  description?: string;
  headers?: Record<string, { description?: string; schema?: JsonSchema }>;
  content?: Record<string, MediaType>;
}

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  schema?: JsonSchema;
}

export interface OperationObject {
  operationId?: string;
  tags?: string[];
  summary?: string;
  description?: string;
  deprecated?: boolean;
  parameters?: ParameterObject[];
  requestBody?: { description?: string; required?: boolean; content?: Record<string, MediaType> };
  responses: Record<string, ResponseObject>;
  security?: Record<string, string[]>[];
  'x-required-scope'?: string;
}

export interface OpenApiDocumentShape {
  openapi: string;
  info: { title: string; version: string; description?: string };
  servers?: { url: string }[];
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, OperationObject>>;
  webhooks?: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface LocatedOperation {
  method: string;
  path: string;
  op: OperationObject;
}

/** Every operation of the document, in its order (path by path, methods in HTTP_METHODS order). */
export function operationsOf(doc: Pick<OpenApiDocumentShape, 'paths'>): LocatedOperation[] {
  const out: LocatedOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (op) out.push({ method, path, op });
    }
  }
  return out;
}

/** An operation's id in the page: its operationId, else one made from the method and the path. */
export function operationAnchor(o: LocatedOperation): string {
  const base = o.op.operationId ?? `${o.method}-${o.path}`;
  return `op-${base.replace(/[{}]/g, '').replace(/[^A-Za-z0-9_]+/g, '-').replace(/^-+|-+$/g, '')}`;
}
