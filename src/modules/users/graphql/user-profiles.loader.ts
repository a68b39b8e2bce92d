import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { UserProfileDto } from '../dto/user-profile.dto';
import { UsersService } from '../users.service';

/**
 * Batches the owner lookups of one GraphQL request into one query: a page of items with their
 * owners costs the same statements whatever its size. One loader per request (keyed by the
 * request object), so nothing is cached across requests or users by the loader itself; profiles
 * come from the profile cache (UsersService.profilesByIds), invalidated on every account change.
 *
 * A profile this process already holds in memory is answered at once, without a promise: for a
 * page of 20 items graphql-js then completes each item synchronously instead of awaiting 20
 * promises (bench/README.md, GraphQL suite).
 */
@Injectable()
export class UserProfilesLoader {
  private readonly loaders = new WeakMap<object, DataLoader<string, UserProfileDto | null>>();

  constructor(private readonly users: UsersService) {}

  load(request: object, id: string): UserProfileDto | Promise<UserProfileDto | null> {
    return this.users.cachedProfile(id) ?? this.loaderOf(request).load(id);
  }

  private loaderOf(request: object): DataLoader<string, UserProfileDto | null> {
    let loader = this.loaders.get(request);
    if (!loader) {
      loader = new DataLoader(async (ids: readonly string[]) => {
        const found = await this.users.profilesByIds([...ids]);
        return ids.map((key) => found.get(key) ?? null);
      });
      this.loaders.set(request, loader);
    }
    return loader;
  }
}
