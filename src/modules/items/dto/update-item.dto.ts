import { PartialType } from '@nestjs/swagger';
import { NOT_NULL } from '../../../common/http/validation';
import { ItemFieldsDto } from './item-fields.dto';

/** Any non-empty subset of the item's fields (none of them null); send the ETag in If-Match to avoid overwriting another change. */
export class UpdateItemDto extends PartialType(ItemFieldsDto, NOT_NULL) {}
