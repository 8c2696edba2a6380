import { Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { UserLookup } from '@app/auth';
import { AuthUser, Secrets, TaskEvent, TaskEvents } from '@app/core';
import { UsedTicketsRepository } from './used-tickets.repository';

const TICKET_SECONDS = 60;
const AUDIENCE = 'mj-task-events';

export interface TicketDto {
  ticket: string;
  expires_in: number;
}

/**
 * Live task changes for the console. EventSource cannot send headers, so the long-lived JWT never goes in a URL:
 * the caller trades it for a one-minute, single-use ticket, and the stream checks the ticket and the user once, at
 * connect. A ticket opens one stream: a URL that leaks (logs, history) opens nothing more.
 */
@Injectable()
export class TaskStreamService {
  private readonly jwt: JwtService;

  constructor(
    private readonly events: TaskEvents,
    private readonly users: UserLookup,
    private readonly usedTickets: UsedTicketsRepository,
    secrets: Secrets,
  ) {
    this.jwt = new JwtService({ secret: secrets.keyFor('sse-ticket') });
  }

  async ticketFor(auth: AuthUser): Promise<TicketDto> {
    const ticket = await this.jwt.signAsync({ sub: auth.id }, { expiresIn: TICKET_SECONDS, audience: AUDIENCE, jwtid: randomUUID() });
    return { ticket, expires_in: TICKET_SECONDS };
  }

  /** Who the ticket is for, if it is valid, not used before, and the user may still log in. Uses the ticket up. */
  async redeem(ticket: unknown): Promise<AuthUser> {
    let claims: { sub: number; jti?: string; exp: number };
    try {
      claims = await this.jwt.verifyAsync<{ sub: number; jti?: string; exp: number }>(String(ticket ?? ''), { audience: AUDIENCE });
    } catch {
      throw new UnauthorizedException('The ticket is missing, invalid or expired; get one from POST /api/mj/events/ticket');
    }
    if (!claims.jti || !(await this.usedTickets.markUsed(claims.jti, claims.exp * 1000))) {
      throw new UnauthorizedException('The ticket was already used; get a new one from POST /api/mj/events/ticket');
    }
    const sub = claims.sub;
    const user = await this.users.findForToken(sub);
    if (!user || user.status !== 'enabled') throw new UnauthorizedException('This user is disabled');
    return { id: user.id, username: user.username, role: user.role };
  }

  /** Events the caller may see: their own tasks, or every task for an admin. */
  subscribe(viewer: AuthUser, listener: (event: TaskEvent) => void): () => void {
    return this.events.subscribe((event) => {
      if (viewer.role === 'admin' || event.user_id === viewer.id) listener(event);
    });
  }
}
