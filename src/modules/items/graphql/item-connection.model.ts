import { Field, ObjectType } from '@nestjs/graphql';
import type { Page } from '../../../common/pagination/cursor';
import { connectionOf, PageInfo } from '../../../common/graphql/page-info.model';
import type { ItemDto } from '../dto/item.dto';
import { ItemEdge } from './item-edge.model';
import { ItemModel } from './item.model';

@ObjectType('ItemConnection')
export class ItemConnection {
  @Field(() => [ItemEdge])
  edges!: ItemEdge[];

  @Field(() => [ItemModel])
  nodes!: ItemModel[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

/** ItemsService.listEdges's page as a connection: edges (node + cursor), nodes and pageInfo. */
export function itemConnectionOf(page: Page<ItemDto> & { cursors: string[] }): ItemConnection {
  const edges = page.data.map((node, i) => ({ node, cursor: page.cursors[i] ?? '' }));
  return { ...connectionOf(page), edges };
}
