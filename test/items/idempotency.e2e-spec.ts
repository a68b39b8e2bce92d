import { buildItemInput } from '../factories/item.factory';
import { SignedIn } from '../helpers/auth';
import { expectProblem } from '../helpers/expect-problem';
import { etagOf, idsOf, ItemBody } from '../helpers/items';
import { itemsApi } from '../helpers/items-api';
import { fieldsOf } from '../helpers/problem-shape';
import { startApp, TestApp } from '../helpers/test-app';

describe('items', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  const { newUser, post, listAll } = itemsApi(() => t);

  describe('POST /items', () => {
    describe('Idempotency-Key', () => {
      const postWithKey = (user: SignedIn, key: string, body: object) =>
        post(user, body).set('Idempotency-Key', key);

      it('replays the first answer for the same key and body, creating nothing new', async () => {
        const user = await newUser();
        const input = buildItemInput();
        const first = await postWithKey(user, 'key-1', input).expect(201);
        const second = await postWithKey(user, 'key-1', input).expect(201);
        const item = first.body as ItemBody;
        expect(first.headers['idempotent-replayed']).toBeUndefined();
        expect(second.headers['idempotent-replayed']).toBe('true');
        expect(second.body).toEqual(item);
        expect(second.headers.location).toBe(`/items/${item.id}`);
        expect(second.headers.etag).toBe(etagOf(item));
        expect(idsOf(await listAll(user, { ownerId: user.id }))).toEqual([item.id]);
      });

      it('treats bodies that normalise to the same item as the same request', async () => {
        const user = await newUser();
        const first = await postWithKey(user, 'k', { title: 'Same', tags: ['A'] }).expect(201);
        const second = await postWithKey(user, 'k', { title: ' Same ', tags: ['a', 'A'] }).expect(
          201,
        );
        expect((second.body as ItemBody).id).toBe((first.body as ItemBody).id);
        expect(await listAll(user, { ownerId: user.id })).toHaveLength(1);
      });

      it('answers 409 for the same key with a different body, and keeps the first item', async () => {
        const user = await newUser();
        const first = (await postWithKey(user, 'key-2', { title: 'First' }).expect(201))
          .body as ItemBody;
        expectProblem(
          await postWithKey(user, 'key-2', { title: 'Second' }),
          409,
          'idempotency_key_reused',
        );
        const items = await listAll(user, { ownerId: user.id });
        expect(items).toEqual([first]);
      });

      it('keys belong to a user: another user with the same key creates their own item', async () => {
        const alice = await newUser();
        const bob = await newUser();
        const input = buildItemInput();
        const a = (await postWithKey(alice, 'shared-key', input).expect(201)).body as ItemBody;
        const b = await postWithKey(bob, 'shared-key', input).expect(201);
        expect(b.headers['idempotent-replayed']).toBeUndefined();
        const bItem = b.body as ItemBody;
        expect(bItem.id).not.toBe(a.id);
        expect(bItem.ownerId).toBe(bob.id);
        expect(idsOf(await listAll(alice, { ownerId: alice.id }))).toEqual([a.id]);
        expect(idsOf(await listAll(bob, { ownerId: bob.id }))).toEqual([bItem.id]);
      });

      it('different keys create different items', async () => {
        const user = await newUser();
        const input = buildItemInput();
        await postWithKey(user, 'one', input).expect(201);
        await postWithKey(user, 'two', input).expect(201);
        expect(await listAll(user, { ownerId: user.id })).toHaveLength(2);
      });

      it.each([
        ['300 characters', 'k'.repeat(300)],
        ['a space', 'has a space'],
      ])('refuses a key with %s with 400, creating nothing', async (_label, key) => {
        const user = await newUser();
        const problem = expectProblem(
          await postWithKey(user, key, buildItemInput()),
          400,
          'validation_failed',
        );
        expect(fieldsOf(problem)).toContain('Idempotency-Key');
        expect(await listAll(user, { ownerId: user.id })).toEqual([]);
      });
    });
  });
});
