/**
 * The dedupe keys of the dated contract events: one event per contract and
 * day, whoever writes it first (the scheduler on any instance, or an
 * explicit end to a day already past). The day is part of the key, so a
 * contract whose end is moved and then reached again is told again, with its
 * new last day.
 */
export const contractStartedKey = (id: string, startsOn: string) => `contract.started:${id}:${startsOn}`;
export const contractEndingKey = (id: string, endsOn: string) => `contract.ending:${id}:${endsOn}`;
export const contractEndedKey = (id: string, endsOn: string) => `contract.ended:${id}:${endsOn}`;
