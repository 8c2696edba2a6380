import { Injectable } from '@nestjs/common';
import { HookBodies, type HookTaskRow } from '@app/hooks';
import type { Task } from '@app/mj';
import { RelayTasksService } from './relay-tasks.service';

/** A callback's body is the task exactly as `GET /mj/task/{id}/fetch` answers it (same ids, same links). */
@Injectable()
export class RelayHookBodies extends HookBodies {
  constructor(private readonly tasks: RelayTasksService) {
    super();
  }

  render(task: HookTaskRow, origin: string): object {
    return this.tasks.viewAt(task as unknown as Task, origin);
  }
}
