import 'reflect-metadata';
import {
  CanActivate,
  Controller,
  ExecutionContext,
  Get,
  Injectable,
  Module,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Res,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { IncomingMessage } from 'node:http';
import type { Response } from 'express';
import Redis from 'ioredis';
import { isRecord } from '../lib/http';
import { requiredEnv, tokenViewer } from './baseline-server';

/**
 * The floor: the least a NestJS 11 application on Express does for baseline A's work. One
 * controller route behind one guard: the same JWT check (`tokenViewer`, as baseline A), the same
 * Redis GET of the key Keel's cache wrote, the item returned as an object for Nest to serialise,
 * with Keel's ETag and Cache-Control. No other middleware, no logging, no validation pipe, no
 * exception filter besides Nest's own. What Keel's (a) costs above this is Keel's; what this costs
 * above baseline A is NestJS + Express's.
 */
const redis = new Redis(requiredEnv('REDIS_URL'), { enableOfflineQueue: true });
const keyPrefix = requiredEnv('ITEM_KEY_PREFIX');
const viewer = tokenViewer();

@Injectable()
class TokenGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (viewer(context.switchToHttp().getRequest<IncomingMessage>()) === null) {
      throw new UnauthorizedException();
    }
    return true;
  }
}

@Controller()
class FloorController {
  @Get('health')
  health(): { status: string } {
    return { status: 'ok' };
  }

  @Get('items/:id')
  @UseGuards(TokenGuard)
  async item(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Record<string, unknown>> {
    const raw = await redis.get(`${keyPrefix}${id}`);
    const envelope: unknown = raw === null ? null : JSON.parse(raw);
    if (!isRecord(envelope) || !isRecord(envelope.value)) throw new NotFoundException();
    if (typeof envelope.expires === 'number' && envelope.expires < Date.now()) {
      throw new NotFoundException();
    }
    const version = typeof envelope.value.version === 'number' ? envelope.value.version : 0;
    res.setHeader('ETag', `"${id}.v${version}"`);
    res.setHeader('Cache-Control', 'private, no-cache');
    return envelope.value;
  }
}

@Module({ controllers: [FloorController], providers: [TokenGuard] })
class FloorModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(FloorModule, {
    bodyParser: false,
    logger: false,
  });
  app.disable('x-powered-by');
  app.set('etag', false);
  await app.listen(Number(requiredEnv('PORT')), '127.0.0.1');
  const close = (): void => {
    void app
      .close()
      .then(() => redis.quit())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
}

void main();
