import { HttpStatus } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';
import { DomainError } from '@app/core';

/** Hashes waiting for their turn before new ones are refused (a flood answers 503 instead of queueing without end). */
const MAX_WAITING = 200;

/**
 * At most `concurrency` argon2 computations at once, the rest in a bounded queue. argon2 is made to be expensive: run
 * unbounded, a burst of logins fills every core and libuv thread, and requests that need neither (health, lists)
 * wait behind it.
 */
class HashGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(public concurrency: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= MAX_WAITING) {
        throw new DomainError(HttpStatus.SERVICE_UNAVAILABLE, 'Too many logins are being checked right now; try again in a moment');
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next in line, so `running` stays as it is.
      if (next) next();
      else this.running -= 1;
    }
  }
}

const gate = new HashGate(1);

/** PASSWORD_HASH_CONCURRENCY, set once by the auth module at start. */
export function setPasswordHashConcurrency(concurrency: number): void {
  gate.concurrency = concurrency;
}

export const hashPassword = (password: string): Promise<string> => gate.run(() => hash(password));

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return gate.run(async () => {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  });
}
