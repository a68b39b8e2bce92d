import { Field, InputType } from '@nestjs/graphql';
import { CreateItemDto } from '../dto/create-item.dto';
import type { ItemStatus } from '../item-status';
import { ItemStatusEnum } from './item-status.enum';

/** POST /items's body and rules (CreateItemDto); every field is declared so whitelisting keeps it. */
@InputType('CreateItemInput')
export class CreateItemInput extends CreateItemDto {
  @Field()
  override title!: string;

  @Field(() => String, { nullable: true })
  override body?: string;

  @Field(() => [String], { nullable: true })
  override tags?: string[];

  @Field(() => ItemStatusEnum, { nullable: true })
  override status?: ItemStatus;
}
