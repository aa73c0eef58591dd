import type { CliPrincipal } from '../auth/principal.ts';
import type { Runtime } from '../boot.ts';

export type Options = Record<string, string | boolean | undefined>;

export interface CommandContext {
  /** Diagnostics and progress: stderr, so stdout stays the result alone. */
  err: (s: string) => void;
  /** The words after the command's own ("content/help" in `help import content/help`). */
  args: string[];
  /** Who runs the command, for the audit trail. */
  operator: CliPrincipal;
}

export interface Command {
  usage: string;
  summary: string;
  run(rt: Runtime, o: Options, out: (s: string) => void, ctx: CommandContext): Promise<void>;
}

/** Wrong or missing options: the message and the command's usage are shown. */
export class UsageError extends Error {}

/** The command explained its failure on stderr already; this is the closing line, and exit code 1. */
export class CommandFailed extends Error {}

/** An option's value when given with one (`--to texto`); undefined when absent or given as a bare flag. */
export function optional(o: Options, name: string): string | undefined {
  const v = o[name];
  return typeof v === 'string' ? v : undefined;
}

export function need(o: Options, name: string): string {
  const v = o[name];
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`Falta la opción --${name}.`);
  return v;
}
