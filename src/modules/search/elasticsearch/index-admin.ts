import { errors, type Client } from '@elastic/elasticsearch';
import {
  generationOf,
  ITEMS_ALIAS,
  ITEMS_INDEX_MAPPINGS,
  ITEMS_INDEX_SETTINGS,
  physicalIndexName,
} from './items-index.mapping';

export interface EnsureIndexResult {
  /** The physical index the alias points to. */
  index: string;
  /** True when this call created the first generation. */
  created: boolean;
}

/**
 * Index lifecycle behind the alias: first creation at boot, and the plumbing of a zero-downtime
 * reindex (build the next generation, fill it, swap the alias atomically, drop the old one).
 */
export class ItemsIndexAdmin {
  constructor(
    private readonly client: Client,
    private readonly alias: string = ITEMS_ALIAS,
  ) {}

  /** Creates `<alias>_v1` with the mapping and the alias unless the alias already exists. */
  async ensureIndex(): Promise<EnsureIndexResult> {
    if (await this.client.indices.existsAlias({ name: this.alias })) {
      return { index: await this.currentIndex(), created: false };
    }
    const index = physicalIndexName(this.alias, 1);
    try {
      await this.client.indices.create({
        index,
        settings: ITEMS_INDEX_SETTINGS,
        mappings: ITEMS_INDEX_MAPPINGS,
        aliases: { [this.alias]: {} },
      });
    } catch (error) {
      // Two instances booting together: the other one won the race, which is the same outcome.
      if (isErrorType(error, 'resource_already_exists_exception')) {
        return { index: await this.currentIndex(), created: false };
      }
      throw error;
    }
    return { index, created: true };
  }

  /** The physical index the alias points to now. */
  async currentIndex(): Promise<string> {
    const response = await this.client.indices.getAlias({ name: this.alias });
    const indices = Object.keys(response);
    if (indices.length !== 1) {
      throw new Error(
        `alias ${this.alias} points to ${indices.length} indices, expected exactly 1`,
      );
    }
    return indices[0];
  }

  /**
   * Creates the next generation (`<alias>_v{n+1}`, n the highest existing one, aliased or not, so
   * an abandoned reindex never collides) with the current mapping and no alias. Returns its name.
   */
  async createNextIndex(): Promise<string> {
    const resolved = await this.client.indices.resolveIndex({
      name: `${this.alias}_v*`,
      expand_wildcards: 'all',
    });
    const highest = resolved.indices.reduce(
      (max, { name }) => Math.max(max, generationOf(this.alias, name) ?? 0),
      0,
    );
    const index = physicalIndexName(this.alias, highest + 1);
    await this.client.indices.create({
      index,
      settings: ITEMS_INDEX_SETTINGS,
      mappings: ITEMS_INDEX_MAPPINGS,
    });
    return index;
  }

  /** Moves the alias from one index to another in one `_aliases` request: readers never see a gap. */
  async swapAlias(from: string, to: string): Promise<void> {
    await this.client.indices.updateAliases({
      actions: [
        { remove: { index: from, alias: this.alias } },
        { add: { index: to, alias: this.alias } },
      ],
    });
  }

  /** Deletes a physical index; refuses the one the alias points to, and tolerates a missing one. */
  async dropIndex(index: string): Promise<void> {
    if (index === (await this.currentIndexOrNull())) {
      throw new Error(`refusing to drop ${index}: alias ${this.alias} points to it`);
    }
    await this.client.indices.delete({ index, ignore_unavailable: true });
  }

  private async currentIndexOrNull(): Promise<string | null> {
    if (!(await this.client.indices.existsAlias({ name: this.alias }))) return null;
    return this.currentIndex();
  }
}

function isErrorType(error: unknown, type: string): boolean {
  if (!(error instanceof errors.ResponseError)) return false;
  const body: unknown = error.body;
  if (typeof body !== 'object' || body === null) return false;
  const cause = (body as { error?: { type?: unknown } }).error;
  return cause?.type === type;
}
