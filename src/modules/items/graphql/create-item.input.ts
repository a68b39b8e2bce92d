import { InputType } from '@nestjs/graphql';
import { CreateItemDto } from '../dto/create-item.dto';
import { exposeItemFields } from './item-input-fields';

/** POST /items's body and rules (CreateItemDto). */
@InputType('CreateItemInput')
export class CreateItemInput extends CreateItemDto {}
exposeItemFields(CreateItemInput, ['title']);
