import { Field, InputType } from '@nestjs/graphql';
import { UpdateItemDto } from '../dto/update-item.dto';
import type { ItemStatus } from '../item-status';
import { ItemStatusEnum } from './item-status.enum';

/** PATCH /items/:id's body and rules (UpdateItemDto): any non-empty subset, none of them null. */
@InputType('UpdateItemInput')
export class UpdateItemInput extends UpdateItemDto {
  @Field(() => String, { nullable: true })
  override title?: string;

  @Field(() => String, { nullable: true })
  override body?: string;

  @Field(() => [String], { nullable: true })
  override tags?: string[];

  @Field(() => ItemStatusEnum, { nullable: true })
  override status?: ItemStatus;
}
