import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';

/** The `used_tickets` table: ids of live-stream tickets already redeemed, kept until they would have expired anyway. */
@Injectable()
export class UsedTicketsRepository {
  constructor(private readonly em: EntityManager) {}

  /** Marks the ticket used; false when it already was (on any instance). Expired entries are dropped on the way. */
  async markUsed(jti: string, expiresAt: number, now = Date.now()): Promise<boolean> {
    const connection = this.em.getConnection();
    const rows = await connection.execute<{ jti: string }[]>(
      'INSERT INTO used_tickets (jti, expires_at) VALUES (?, ?) ON CONFLICT (jti) DO NOTHING RETURNING jti',
      [jti, expiresAt],
    );
    await connection.execute('DELETE FROM used_tickets WHERE expires_at < ?', [now]);
    return rows.length === 1;
  }
}
