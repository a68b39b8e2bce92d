import type Keyv from 'keyv';

/**
 * Port: the Keyv store cache-manager runs on. The profile binds it (profile.providers.ts): a
 * bounded map in process, or Redis so that every API process shares one cache. An abstract class
 * so that it is the injection token and the interface at once.
 */
export abstract class CacheStore {
  abstract readonly keyv: Keyv;
}
