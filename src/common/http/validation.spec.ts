import { PartialType } from '@nestjs/swagger';
import { IsIn, IsString } from 'class-validator';
import { AppError } from '../errors/app-error';
import { createValidationPipe, NOT_NULL, OptionalNotNull, RequiresAnyOf } from './validation';

class NoteFieldsDto {
  @IsString()
  title!: string;
}

@RequiresAnyOf('title', 'colour')
class ChangeNoteDto extends PartialType(NoteFieldsDto, NOT_NULL) {
  @OptionalNotNull()
  @IsIn(['red', 'blue'])
  colour?: string;
}

const pipe = createValidationPipe();
const validate = (body: unknown): Promise<unknown> =>
  pipe.transform(body, { type: 'body', metatype: ChangeNoteDto });

async function refusal(body: unknown): Promise<{ code: string; fields: string[] }> {
  const error = await validate(body).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError))
    throw new Error(`expected a refusal of ${JSON.stringify(body)}`);
  return { code: error.code, fields: (error.errors ?? []).map((e) => e.field) };
}

describe('the global validation pipe', () => {
  it('accepts a change that leaves fields out', async () => {
    await expect(validate({ colour: 'red' })).resolves.toMatchObject({ colour: 'red' });
    await expect(validate({ title: 'x' })).resolves.toMatchObject({ title: 'x' });
  });

  it('refuses null for an optional field, declared here or made optional by PartialType', async () => {
    expect(await refusal({ title: 'x', colour: null })).toMatchObject({
      code: 'validation_failed',
      fields: expect.arrayContaining(['colour']),
    });
    expect(await refusal({ title: null, colour: 'red' })).toEqual({
      code: 'validation_failed',
      fields: ['title'],
    });
  });

  it('refuses a change body that changes nothing, on body', async () => {
    for (const body of [undefined, {}]) {
      expect(await refusal(body)).toEqual({ code: 'validation_failed', fields: ['body'] });
    }
  });
});
