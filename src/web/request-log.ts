import type { Logger } from 'pino';

type LogMethod = 'debug' | 'info' | 'warn' | 'error';

/**
 * A request's logger: every line carries its request id. Pino's child()
 * serializes its bindings when it is made, a few µs that most requests spend
 * on nothing (a signed-in page logs only its request line, and that is
 * written with the id in it already, middleware/request-context.ts). So the
 * child is made on the first line a handler writes, and never otherwise.
 */
export class RequestLog {
  private child: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    readonly requestId: string,
  ) {}

  private get log(): Logger {
    return (this.child ??= this.parent.child({ requestId: this.requestId }));
  }

  debug(obj: object, msg?: string): void {
    this.write('debug', obj, msg);
  }

  info(obj: object, msg?: string): void {
    this.write('info', obj, msg);
  }

  warn(obj: object, msg?: string): void {
    this.write('warn', obj, msg);
  }

  error(obj: object, msg?: string): void {
    this.write('error', obj, msg);
  }

  private write(level: LogMethod, obj: object, msg?: string): void {
    if (!this.parent.isLevelEnabled(level)) return;
    this.log[level](obj, msg);
  }
}
