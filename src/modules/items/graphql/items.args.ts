import { ArgsType, Field } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsOptional, ValidateNested } from 'class-validator';
import { PageArgs } from '../../../common/graphql/page-args';
import { ItemFilterInput } from './item-filter.input';
import { ItemOrderInput } from './item-order.input';

@ArgsType()
export class ItemsArgs extends PageArgs {
  @Field(() => ItemFilterInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ItemFilterInput)
  filter?: ItemFilterInput;

  @Field(() => ItemOrderInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ItemOrderInput)
  orderBy?: ItemOrderInput;
}
