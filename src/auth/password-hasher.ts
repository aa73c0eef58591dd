import { hash, verify, Algorithm } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

/**
 * argon2id with OWASP's first parameter set (m=19 MiB, t=2, p=1).
 * Hashing runs on libuv's pool, off the event loop; on top of that we let at
 * most `concurrency` hashes run at once (fewer than the cores) so a storm of
 * sign-ins queues here instead of starving the pages of CPU.
 */
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export class PasswordHasher {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private averageMs = 25;
  /** A hash of a random password, verified when the account does not exist so timing matches. */
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly concurrency = 1) {}

  hash(password: string): Promise<string> {
    return this.limited(() => hash(password, OPTIONS));
  }

  async verify(phc: string, password: string): Promise<boolean> {
    return this.limited(async () => {
      const started = performance.now();
      try {
        return await verify(phc, password);
      } catch {
        return false;
      } finally {
        this.averageMs = this.averageMs * 0.9 + (performance.now() - started) * 0.1;
      }
    });
  }

  /** Spend the same work as a real verify, for an account that does not exist. */
  async verifyNothing(password: string): Promise<false> {
    this.dummyHash ??= hash(randomBytes(16).toString('hex'), OPTIONS);
    await this.verify(await this.dummyHash, password);
    return false;
  }

  /** Roughly how long a verify takes, to pad answers that skip hashing. */
  typicalVerifyMs(): number {
    return this.averageMs;
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
