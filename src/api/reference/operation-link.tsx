import { operationAnchor, type LocatedOperation } from './openapi-shape.ts';

/** "GET /customers/{rut}" as a link to the operation's section of the reference. */
export function OperationLink(props: { o: LocatedOperation }) {
  return (
    <a href={`#${operationAnchor(props.o)}`}>
      <code>
        {props.o.method.toUpperCase()} {props.o.path}
      </code>
    </a>
  );
}
