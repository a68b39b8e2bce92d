import { Field, InputType } from '@nestjs/graphql';
import { RefreshDto } from '../dto/auth.dto';

/** Leave refreshToken out (or the whole input) to use the cookie, as in REST. */
@InputType('RefreshInput')
export class RefreshInput extends RefreshDto {}
// Exposed rather than redeclared: RefreshDto declares it itself (redeclaring is TS2612).
Field(() => String, { nullable: true })(RefreshInput.prototype, 'refreshToken');
