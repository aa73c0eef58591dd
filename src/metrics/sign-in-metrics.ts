import { Counter, type Registry } from 'prom-client';

/**
 * What became of a customer's sign-in (auth/sign-in.ts). An unknown account,
 * a wrong password and a right password on a disabled account are one
 * "wrong-credentials", as they are one message on the page: a counter that
 * moved differently for a right password would tell whoever reads /metrics
 * what the sign-in form never tells (decision 0024).
 */
export const CUSTOMER_OUTCOMES = ['success', 'wrong-credentials', 'throttled', 'temporary-expired'] as const;
export type CustomerSignInOutcome = (typeof CUSTOMER_OUTCOMES)[number];

/**
 * The console's sign-in, step by step (staff/staff-sign-in.ts, then the
 * second factor or the first enrolment): the password step ends in
 * "second-factor-asked" or "enrolment-asked", and only the code's step in
 * "success". A step-up inside a session is not a sign-in and is not counted.
 */
export const STAFF_OUTCOMES = [
  'second-factor-asked',
  'enrolment-asked',
  'wrong-credentials',
  'throttled',
  'success',
  'second-factor-failed',
  'second-factor-throttled',
] as const;
export type StaffSignInOutcome = (typeof STAFF_OUTCOMES)[number];

/** portal_sign_ins_total{audience, outcome}. */
export class SignInMetrics {
  private readonly counter: Counter<'audience' | 'outcome'>;

  constructor(registry: Registry) {
    this.counter = new Counter({
      name: 'portal_sign_ins_total',
      help: 'Sign-in attempts by audience (customer, staff) and outcome.',
      labelNames: ['audience', 'outcome'],
      registers: [registry],
    });
    // Every series from the first scrape, so rate() and absent-versus-zero need no special case.
    for (const outcome of CUSTOMER_OUTCOMES) this.counter.inc({ audience: 'customer', outcome }, 0);
    for (const outcome of STAFF_OUTCOMES) this.counter.inc({ audience: 'staff', outcome }, 0);
  }

  customer(outcome: CustomerSignInOutcome): void {
    this.counter.inc({ audience: 'customer', outcome });
  }

  staff(outcome: StaffSignInOutcome): void {
    this.counter.inc({ audience: 'staff', outcome });
  }
}
