import { InputType } from '@nestjs/graphql';
import { UpdateItemDto } from '../dto/update-item.dto';
import { exposeItemFields } from './item-input-fields';

/** PATCH /items/:id's body and rules (UpdateItemDto), a non-empty subset, none of them null. */
@InputType('UpdateItemInput')
export class UpdateItemInput extends UpdateItemDto {}
exposeItemFields(UpdateItemInput, []);
