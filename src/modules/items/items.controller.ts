import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotModifiedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser } from '../../common/auth/decorators';
import type { AuthUser } from '../../common/auth/role';
import { ValidationFailed } from '../../common/errors/app-error';
import { etagOf, noneMatchHits } from '../../common/http/etag';
import { uuidParam } from '../../common/http/uuid-param.pipe';
import { ApiAuth, ApiProblems } from '../../common/swagger/api-problems.decorator';
import { CreateItemDto } from './dto/create-item.dto';
import { ItemDto, ItemPageDto } from './dto/item.dto';
import { ListItemsQueryDto } from './dto/list-items-query.dto';
import { UpdateItemDto } from './dto/update-item.dto';
import { ItemsService } from './items.service';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(header)) {
    throw new ValidationFailed([
      { field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' },
    ]);
  }
  return header;
}

const IF_MATCH = ApiHeader({
  name: 'If-Match',
  required: false,
  description: 'ETag from GET; the change is refused with 412 if the item has changed since',
});

@ApiTags('items')
@ApiAuth()
@Controller('items')
export class ItemsController {
  constructor(private readonly items: ItemsService) {}

  @Post()
  @ApiOperation({ summary: 'Create an item (owned by you; status defaults to draft)' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Retrying with the same key and body returns the first result and creates nothing',
  })
  @ApiCreatedResponse({ type: ItemDto, description: 'Created; Location names the new item' })
  @ApiProblems(400, 'idempotency_key_reused', 'item_version_conflict', 413, 415)
  async create(
    @CurrentUser() user: AuthUser,
    @Body() body: CreateItemDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ItemDto> {
    const { item, replayed } = await this.items.create(user, body, idempotencyKeyOf(key));
    res.setHeader('Location', `/items/${item.id}`);
    res.setHeader('ETag', etagOf(item.id, item.version));
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    return item;
  }

  @Get()
  @ApiOperation({
    summary: 'List the items you may read (published, plus your own; admins: all)',
    description: 'Keyset pagination: pass nextCursor back as cursor with the same sort and order.',
  })
  @ApiOkResponse({ type: ItemPageDto })
  @ApiProblems(400)
  list(@CurrentUser() user: AuthUser, @Query() query: ListItemsQueryDto): Promise<ItemPageDto> {
    return this.items.list(user, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One item, with a strong ETag; If-None-Match answers 304' })
  @ApiHeader({ name: 'If-None-Match', required: false })
  @ApiOkResponse({ type: ItemDto })
  @ApiNotModifiedResponse({ description: 'The item still has the ETag you sent' })
  @ApiProblems(400, 'not_found')
  async get(
    @CurrentUser() user: AuthUser,
    @Param('id', uuidParam()) id: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ItemDto | undefined> {
    const item = await this.items.get(user, id);
    const etag = etagOf(item.id, item.version);
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'private, no-cache');
    if (noneMatchHits(ifNoneMatch, etag)) {
      res.status(304);
      return undefined;
    }
    return item;
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an item (owner or admin)' })
  @IF_MATCH
  @ApiOkResponse({ type: ItemDto })
  @ApiProblems(400, 403, 'not_found', 'item_version_conflict', 412, 413, 415)
  async update(
    @CurrentUser() user: AuthUser,
    @Param('id', uuidParam()) id: string,
    @Body() body: UpdateItemDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ItemDto> {
    const item = await this.items.update(user, id, body, ifMatch);
    res.setHeader('ETag', etagOf(item.id, item.version));
    return item;
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Soft-delete an item (owner or admin); restore with POST /items/{id}/restore',
  })
  @IF_MATCH
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 403, 'not_found', 'item_version_conflict', 412)
  remove(
    @CurrentUser() user: AuthUser,
    @Param('id', uuidParam()) id: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    return this.items.remove(user, id, ifMatch);
  }

  @Post(':id/restore')
  @HttpCode(200)
  @ApiOperation({ summary: 'Restore a soft-deleted item (owner or admin)' })
  @ApiOkResponse({ type: ItemDto })
  @ApiProblems(400, 'not_found', 'item_not_deleted', 'item_version_conflict')
  async restore(
    @CurrentUser() user: AuthUser,
    @Param('id', uuidParam()) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ItemDto> {
    const item = await this.items.restore(user, id);
    res.setHeader('ETag', etagOf(item.id, item.version));
    return item;
  }
}
