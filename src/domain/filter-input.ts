import { z } from 'zod';
import { isCalendarDay } from './contracts.ts';

/** Filter forms (audit, outbox, reports) send every field: an empty one means "any". */
export const blankAsMissing = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** An optional day (AAAA-MM-DD) of a filter form; `what` names it in the message, as «La fecha «desde»». */
export function optionalDay(what: string) {
  return z.preprocess(blankAsMissing, z.string().trim().refine(isCalendarDay, { message: `${what} debe ser un día válido AAAA-MM-DD.` }).optional());
}
