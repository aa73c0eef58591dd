import { z } from 'zod';
import { fieldErrors } from '../customers/user-fields.ts';
import { addDays, isCalendarDay, vendorToday } from '../domain/contracts.ts';
import { santiagoDayStart } from '../domain/santiago-day.ts';
import { ValidationError } from '../errors.ts';

export const DEFAULT_REPORT_DAYS = 30;
const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const day = (what: string) => z.preprocess(blank, z.string().trim().refine(isCalendarDay, { message: `${what} debe ser un día válido AAAA-MM-DD.` }).optional());

/** A report's days (Santiago), both included; by default the last 30 days. Shared by the console's Informes and the CLI. */
export const ReportRangeInput = z
  .object({ from: day('La fecha «desde»'), to: day('La fecha «hasta»') })
  .refine((r) => !r.from || !r.to || r.from <= r.to, { path: ['to'], message: 'La fecha «hasta» no puede ser anterior a la fecha «desde».' })
  .refine((r) => !r.from || !r.to || addDays(r.from, 366) >= r.to, { path: ['to'], message: 'El período puede ser de un año como máximo.' });

export interface ReportRange {
  from: string;
  to: string;
  /** The instants the days span: [fromInstant, toInstant). */
  fromInstant: string;
  toInstant: string;
}

export function parseReportRange(input: { from?: string; to?: string }, now: Date): ReportRange {
  const r = ReportRangeInput.safeParse(input);
  if (!r.success) throw new ValidationError(fieldErrors(r.error), 'Revise las fechas marcadas.');
  const to = r.data.to ?? (r.data.from ? addDays(r.data.from, DEFAULT_REPORT_DAYS - 1) : vendorToday(now));
  const from = r.data.from ?? addDays(to, -(DEFAULT_REPORT_DAYS - 1));
  return { from, to, fromInstant: santiagoDayStart(from), toInstant: santiagoDayStart(addDays(to, 1)) };
}
