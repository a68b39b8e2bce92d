import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { sendProblem } from './problem';
import { problemInputOf } from './problem-input-of';

/**
 * The one place errors become HTTP responses: problem+json (RFC 9457) with the request id, from
 * problemInputOf (shared with GraphQL's error mapping). Unexpected errors are logged here and
 * answered as a generic 500, so no stack trace, SQL or driver message reaches a client.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    if (res.headersSent) return;
    const problem = problemInputOf(exception, { method: req.method, path: req.path });
    const requestId = (req as Request & { id?: string }).id;
    if (problem.code === 'service_unavailable' && problem.retryAfterSeconds !== undefined) {
      this.logger.warn({ err: exception, requestId }, 'database unavailable');
    } else if (problem.code === 'internal') {
      this.logger.error({ err: exception, requestId }, 'unhandled error');
    }
    sendProblem(req, res, problem);
  }
}
