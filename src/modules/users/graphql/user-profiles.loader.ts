import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { UserProfileDto } from '../dto/user-profile.dto';
import { UsersService } from '../users.service';

/**
 * Batches the owner lookups of one GraphQL request into one query: a page of items with their
 * owners costs the same statements whatever its size. One loader per request (keyed by the
 * request object), so nothing is cached across requests or users.
 */
@Injectable()
export class UserProfilesLoader {
  private readonly loaders = new WeakMap<object, DataLoader<string, UserProfileDto | null>>();

  constructor(private readonly users: UsersService) {}

  load(request: object, id: string): Promise<UserProfileDto | null> {
    let loader = this.loaders.get(request);
    if (!loader) {
      loader = new DataLoader(async (ids: readonly string[]) => {
        const found = await this.users.profilesByIds([...ids]);
        return ids.map((key) => found.get(key) ?? null);
      });
      this.loaders.set(request, loader);
    }
    return loader.load(id);
  }
}
