import { IntersectionType, PartialType, PickType } from '@nestjs/swagger';
import { ItemFieldsDto } from './item-fields.dto';

export class CreateItemDto extends IntersectionType(
  PickType(ItemFieldsDto, ['title'] as const),
  PartialType(PickType(ItemFieldsDto, ['body', 'tags', 'status'] as const)),
) {}
