import { z } from 'zod';
import { fieldErrors } from '../customers/user-fields.ts';
import { addDays, vendorToday } from '../domain/contracts.ts';
import { optionalDay } from '../domain/filter-input.ts';
import { santiagoDayStart } from '../domain/santiago-day.ts';
import { ValidationError } from '../errors.ts';

export const DEFAULT_REPORT_DAYS = 30;

/** A report's days (Santiago), both included; by default the last 30 days. Shared by the console's Informes and the CLI. */
export const ReportRangeInput = z
  .object({ from: optionalDay('La fecha «desde»'), to: optionalDay('La fecha «hasta»') })
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
