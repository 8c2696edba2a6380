import { Controller, Get, HttpStatus } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, MikroOrmHealthIndicator } from '@nestjs/terminus';
import { ApiEnvelope, ApiErrors } from '../http/api-envelope.decorator';
import { DomainError } from '../http/domain-error';

export class HealthDto {
  @ApiProperty({ example: 'ok' })
  status: string;

  @ApiProperty({ example: 'up', description: 'Whether the database answered a query' })
  database: string;

  @ApiProperty({ example: 12.5, description: 'Seconds since the process started' })
  uptime: number;
}

@ApiTags('health')
@Controller('api/health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: MikroOrmHealthIndicator,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and database check' })
  @ApiEnvelope(HealthDto)
  @ApiErrors(HttpStatus.SERVICE_UNAVAILABLE)
  async getHealth(): Promise<HealthDto> {
    try {
      await this.health.check([() => this.database.pingCheck('database', { timeout: 2000 })]);
    } catch {
      throw new DomainError(HttpStatus.SERVICE_UNAVAILABLE, 'Database is unreachable');
    }
    return { status: 'ok', database: 'up', uptime: Math.round(process.uptime() * 10) / 10 };
  }
}
