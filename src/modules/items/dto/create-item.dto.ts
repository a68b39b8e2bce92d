import { IntersectionType, PartialType, PickType } from '@nestjs/swagger';
import { NOT_NULL } from '../../../common/http/validation';
import { ItemFieldsDto } from './item-fields.dto';

export class CreateItemDto extends IntersectionType(
  PickType(ItemFieldsDto, ['title'] as const),
  PartialType(PickType(ItemFieldsDto, ['body', 'tags', 'status'] as const), NOT_NULL),
) {}
