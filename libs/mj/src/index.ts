export * from './mj.module';
export * from './mj.service';
export * from './task.entity';
export * from './task.repository';
export * from './task.store';
export * from './dto/task.dto';
export * from './dto/list-tasks.query.dto';
export * from './dto/task-figures.dto';
