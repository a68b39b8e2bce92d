import { PartialType } from '@nestjs/swagger';
import { ItemFieldsDto } from './item-fields.dto';

/** Any subset of the item's fields; send the ETag in If-Match to avoid overwriting another change. */
export class UpdateItemDto extends PartialType(ItemFieldsDto) {}
