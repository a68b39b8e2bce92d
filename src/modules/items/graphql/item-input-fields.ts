import { Field } from '@nestjs/graphql';
import { ItemStatusEnum } from './item-status.enum';

/**
 * Exposes the item fields of a REST body DTO (CreateItemDto, UpdateItemDto) on its GraphQL input
 * subclass, which keeps the DTO's validation rules: declaring them again on the subclass would
 * shadow the DTO's own properties. Every field may be left out except the required ones.
 */
export function exposeItemFields(input: { prototype: object }, required: Array<'title'>): void {
  Field(() => String, { nullable: !required.includes('title') })(input.prototype, 'title');
  Field(() => String, { nullable: true })(input.prototype, 'body');
  Field(() => [String], { nullable: true })(input.prototype, 'tags');
  Field(() => ItemStatusEnum, { nullable: true })(input.prototype, 'status');
}
