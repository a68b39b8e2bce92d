import type { ItemInput } from '../factories/item.factory';
import type { SignedIn } from './auth';
import { signUp } from './auth';
import { createItem, ItemBody } from './items';
import { listAllItems } from './list-items';
import type { TestApp } from './test-app';

/**
 * The item requests the items e2e files make, bound to the app `app()` returns when called (the app
 * is started in a beforeAll, after this is built).
 */
export function itemsApi(app: () => TestApp) {
  const newUser = () => signUp(app().http);
  const create = (user: SignedIn, overrides: Partial<ItemInput> = {}) =>
    createItem(app().http, user.bearer, overrides);
  const post = (user: SignedIn, body: object) =>
    app().http().post('/items').set('Authorization', user.bearer).send(body);
  const get = (user: SignedIn, id: string) =>
    app().http().get(`/items/${id}`).set('Authorization', user.bearer);
  const patch = (user: SignedIn, id: string, body: object) =>
    app().http().patch(`/items/${id}`).set('Authorization', user.bearer).send(body);
  const del = (user: SignedIn, id: string) =>
    app().http().delete(`/items/${id}`).set('Authorization', user.bearer);
  const restore = (user: SignedIn, id: string) =>
    app().http().post(`/items/${id}/restore`).set('Authorization', user.bearer);
  const list = (user: SignedIn, query: Record<string, string | number> = {}) =>
    app().http().get('/items').set('Authorization', user.bearer).query(query);
  const listAll = (user: SignedIn, query: Record<string, string | number> = {}) =>
    listAllItems(app().http, user.bearer, query);

  /** The item as its owner reads it now. */
  const current = async (owner: SignedIn, id: string): Promise<ItemBody> =>
    (await get(owner, id).expect(200)).body as ItemBody;

  return { newUser, create, post, get, patch, del, restore, list, listAll, current };
}
