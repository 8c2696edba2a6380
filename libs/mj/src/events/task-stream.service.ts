import { Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { UserLookup } from '@app/auth';
import { AuthUser, Secrets, TaskEvent, TaskEvents } from '@app/core';

const TICKET_SECONDS = 60;
const AUDIENCE = 'mj-task-events';

export interface TicketDto {
  ticket: string;
  expires_in: number;
}

/**
 * Live task changes for the console. EventSource cannot send headers, so the long-lived JWT never goes in a URL:
 * the caller trades it for a one-minute ticket, and the stream checks the ticket and the user once, at connect.
 */
@Injectable()
export class TaskStreamService {
  private readonly jwt: JwtService;

  constructor(
    private readonly events: TaskEvents,
    private readonly users: UserLookup,
    secrets: Secrets,
  ) {
    this.jwt = new JwtService({ secret: secrets.keyFor('sse-ticket') });
  }

  async ticketFor(auth: AuthUser): Promise<TicketDto> {
    const ticket = await this.jwt.signAsync({ sub: auth.id }, { expiresIn: TICKET_SECONDS, audience: AUDIENCE });
    return { ticket, expires_in: TICKET_SECONDS };
  }

  /** Who the ticket is for, if it is valid and the user may still log in. */
  async redeem(ticket: unknown): Promise<AuthUser> {
    let sub: number;
    try {
      sub = (await this.jwt.verifyAsync<{ sub: number }>(String(ticket ?? ''), { audience: AUDIENCE })).sub;
    } catch {
      throw new UnauthorizedException('The ticket is missing, invalid or expired; get one from POST /api/mj/events/ticket');
    }
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
