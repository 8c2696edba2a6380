import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Every failed /api answer: `{success: false, message, errors?}`. */
export class ErrorEnvelopeDto {
  @ApiProperty({ example: false })
  success: false;

  @ApiProperty({ example: 'page_size must be an integer >= 1' })
  message: string;

  @ApiPropertyOptional({
    description: 'Per-field messages, when the request failed validation',
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { page_size: 'page_size must be an integer >= 1' },
  })
  errors?: Record<string, string>;
}

/** Successful answers without data (deletions, for example). */
export class EmptyEnvelopeDto {
  @ApiProperty({ example: true })
  success: true;

  @ApiProperty({ example: '' })
  message: string;
}
