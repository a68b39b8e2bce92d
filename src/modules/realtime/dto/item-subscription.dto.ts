import { IsUUID } from 'class-validator';

/** Body of items:subscribe and items:unsubscribe. */
export class ItemSubscriptionDto {
  @IsUUID()
  itemId!: string;
}
