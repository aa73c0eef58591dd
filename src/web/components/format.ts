import { formatDay } from '../../domain/contracts.ts';

const dateTime = new Intl.DateTimeFormat('es-CL', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'America/Santiago' });

/** An instant as Santiago's wall clock: "2 mar 2026, 12:00". */
export function formatDateTime(isoInstant: string): string {
  return dateTime.format(new Date(isoInstant));
}

export { formatDay };
