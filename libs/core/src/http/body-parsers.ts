import { HttpStatus } from '@nestjs/common';
import express, { ErrorRequestHandler, RequestHandler } from 'express';

/** What body-parser throws: a status and a type, e.g. `entity.parse.failed` or `entity.too.large`. */
interface BodyParserError {
  type: string;
  status?: number;
  limit?: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  const type = (error as Partial<BodyParserError> | null)?.type;
  return typeof type === 'string' && (type.startsWith('entity.') || type.endsWith('.unsupported') || type.startsWith('request.'));
}

function describe(error: BodyParserError): { status: number; message: string } {
  if (error.type === 'entity.too.large') {
    const mb = error.limit ? ` (limit ${Math.round(error.limit / 1024 / 1024)} MB)` : '';
    return { status: HttpStatus.PAYLOAD_TOO_LARGE, message: `Request body is too large${mb}` };
  }
  if (error.type === 'entity.parse.failed') return { status: HttpStatus.BAD_REQUEST, message: 'Malformed JSON body' };
  return { status: error.status ?? HttpStatus.BAD_REQUEST, message: 'Unreadable request body' };
}

/** Answers body-parser's failures (bad JSON, too large) in the error envelope before any route runs. */
const bodyErrors: ErrorRequestHandler = (error, _req, res, next) => {
  if (!isBodyParserError(error)) return next(error);
  const { status, message } = describe(error);
  res.status(status).json({ success: false, message });
};

export function bodyParsers(limitMb: number): (RequestHandler | ErrorRequestHandler)[] {
  return [
    express.json({ limit: `${limitMb}mb`, type: ['application/json', 'application/*+json'] }),
    express.urlencoded({ limit: '1mb', extended: false }),
    bodyErrors,
  ];
}
