import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

const toInteger = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value);

export class TaskFiguresQuery {
  @ApiPropertyOptional({ example: 24, default: 24, description: 'The window: tasks submitted in the last this many hours (1-720)' })
  @IsOptional()
  @Transform(toInteger)
  @IsInt({ message: 'hours must be an integer between 1 and 720' })
  @Min(1, { message: 'hours must be an integer between 1 and 720' })
  @Max(720, { message: 'hours must be an integer between 1 and 720' })
  hours?: number;
}

export class ChannelFiguresDto {
  @ApiProperty({ example: 1 })
  channel_id: number;

  @ApiProperty({ example: 95 })
  succeeded: number;

  @ApiProperty({ example: 5 })
  failed: number;

  @ApiProperty({ type: Number, example: 0.95, nullable: true, description: 'succeeded / (succeeded + failed); null when none finished' })
  success_rate: number | null;
}

export class TimingFiguresDto {
  @ApiProperty({ example: 'IMAGINE' })
  action: string;

  @ApiProperty({ example: 'fast' })
  mode: string;

  @ApiProperty({ example: 42, description: 'Successes measured' })
  finished: number;

  @ApiProperty({ example: 48.5, description: 'Median seconds from submit to finish' })
  p50_s: number;

  @ApiProperty({ example: 95.2, description: '95th percentile seconds from submit to finish' })
  p95_s: number;
}

/** The dashboard's task figures, each computed by one statement: every screen that shows one reads it here. */
export class TaskFiguresDto {
  @ApiProperty({ example: 1764061200, description: 'Unix seconds: the window starts here' })
  since: number;

  @ApiProperty({ type: [ChannelFiguresDto] })
  channels: ChannelFiguresDto[];

  @ApiProperty({ type: [TimingFiguresDto] })
  timings: TimingFiguresDto[];

  @ApiProperty({ example: 2, description: 'Unfinished tasks submitted more than 10 minutes ago' })
  stuck: number;
}
