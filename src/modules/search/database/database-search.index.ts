import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TransactionRunner } from '../../../database/transaction-runner';
import { itemColumns, visibleItemsSql } from '../../items/item-visibility';
import { ItemsReadService } from '../../items/items-read.service';
import type { IndexRebuild, IndexWriteResult, SearchIndex } from '../search-index.port';
import type { SearchHit, SearchPage, SearchQuery, SuggestQuery } from '../search-index.port';
import { DatabaseRebuild } from './database-rebuild';
import { highlightItem } from './highlight';
import { decodeOffsetCursor, encodeOffsetCursor, OffsetMode } from './search-offset-cursor';
import { fts5Query, mysqlBooleanQuery, searchWords } from './search-text';

/** SQL fragments with their positional parameters, kept in the order they appear. */
interface Sql {
  text: string;
  params: unknown[];
}

interface RankedRow {
  id: string;
  score: number | string | null;
  /** every match's count, on each row of a relevance page */
  total?: number | string | null;
}

/**
 * The search index when no Elasticsearch is configured: it reads the items table itself, so every
 * committed change is searchable at once and `write` has nothing to do. MySQL/MariaDB match with
 * InnoDB FULLTEXT in boolean mode, SQLite with the FTS5 table `items_fts` (kept in sync by
 * triggers); both created by the items-fulltext migration. Visibility and filters are the rules of
 * GET /items, applied in the query.
 */
@Injectable()
export class DatabaseSearchIndex implements SearchIndex {
  readonly kind = 'database' as const;
  private readonly mysql: boolean;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly items: ItemsReadService,
  ) {
    this.mysql = ['mysql', 'mariadb'].includes(dataSource.options.type);
  }

  async search(query: SearchQuery): Promise<SearchPage> {
    const words = searchWords(query.q);
    const mode: OffsetMode = words.length > 0 ? 'relevance' : 'recent';
    const offset = decodeOffsetCursor(query.cursor, mode);
    const match = this.matchClause(words);
    if (match === 'nothing') return { data: [], total: 0, nextCursor: null };

    const filters = this.filters(query);
    const from = this.joinSql(match ? match.from : null, filters.join);
    const where = [...(match ? [match.where] : []), ...filters.where];
    const whereSql = where.map((w) => w.text).join(' AND ');
    const whereParams = where.flatMap((w) => w.params);

    const countAll = async (): Promise<number> => {
      const counted = await this.dataSource.query<Array<{ n: number | string }>>(
        `SELECT COUNT(*) AS n FROM ${from.text} WHERE ${whereSql}`,
        [...from.params, ...whereParams],
      );
      return Number(counted[0]?.n ?? 0);
    };

    let rows: RankedRow[];
    let total: number;
    if (match) {
      // Ranking reads and sorts every match anyway, so they are counted in the same pass: a
      // separate COUNT would run the full-text search again, which is most of a search's cost
      // (bench/search.bench.ts). The derived table is for SQLite, which refuses bm25() in a
      // SELECT that has a window function; MariaDB merges it into one plain query.
      rows = await this.dataSource.query<RankedRow[]>(
        'SELECT r.id AS id, r.score AS score, COUNT(*) OVER () AS total FROM ' +
          `(SELECT i.id AS id, ${match.score.text} AS score FROM ${from.text} WHERE ${whereSql}) r ` +
          'ORDER BY r.score DESC, r.id ASC LIMIT ? OFFSET ?',
        [...match.score.params, ...from.params, ...whereParams, query.limit + 1, offset],
      );
      // A page past the last match has no row to carry the count.
      total = rows.length > 0 ? Number(rows[0]?.total ?? 0) : offset > 0 ? await countAll() : 0;
    } else {
      rows = await this.dataSource.query<RankedRow[]>(
        `SELECT i.id AS id, 0 AS score FROM ${from.text} WHERE ${whereSql} ` +
          'ORDER BY i.created_at DESC, i.id DESC LIMIT ? OFFSET ?',
        [...from.params, ...whereParams, query.limit + 1, offset],
      );
      total = await countAll();
    }

    const page = rows.slice(0, query.limit);
    const items = await this.items.liveByIds(page.map((r) => r.id));
    const data: SearchHit[] = [];
    for (const row of page) {
      const item = items.get(row.id);
      // A row deleted between the two queries is simply left out of this page.
      if (!item) continue;
      data.push({
        item,
        score: match ? Number(row.score ?? 0) : 0,
        highlights: match ? highlightItem(item, words) : {},
      });
    }
    return {
      data,
      total,
      nextCursor: rows.length > query.limit ? encodeOffsetCursor(mode, offset + query.limit) : null,
    };
  }

  async suggest(query: SuggestQuery): Promise<string[]> {
    const words = searchWords(query.prefix);
    if (words.length === 0) return [];
    // Only letters, digits and spaces remain, but escape LIKE's wildcards on principle.
    const prefix = words.join(' ').replace(/[!%_]/g, '!$&');
    const filters = this.filters({ viewer: query.viewer });
    const where = [
      {
        // Case-insensitive on both engines (MySQL's _ci collation, SQLite's LIKE for ASCII).
        text: `(i.title LIKE ? ESCAPE '!' OR i.title LIKE ? ESCAPE '!')`,
        params: [`${prefix}%`, `% ${prefix}%`],
      },
      ...filters.where,
    ];
    const rows = await this.dataSource.query<Array<{ title: string }>>(
      `SELECT i.title AS title, MAX(i.created_at) AS latest FROM items i ` +
        `WHERE ${where.map((w) => w.text).join(' AND ')} ` +
        `GROUP BY i.title ORDER BY latest DESC, i.title ASC LIMIT ?`,
      [...where.flatMap((w) => w.params), query.limit],
    );
    return rows.map((r) => r.title);
  }

  write(): Promise<IndexWriteResult> {
    return Promise.resolve({ failed: [] });
  }

  /** The index is the database's own: ready whenever the database is. */
  ready(): Promise<boolean> {
    return Promise.resolve(true);
  }

  rebuild(): Promise<IndexRebuild> {
    return Promise.resolve(new DatabaseRebuild(this.dataSource, this.transactions));
  }

  /**
   * The engine-specific part: what to join, how to match and how to score. `null` for no words
   * (list everything by recency); 'nothing' when there are words but none the engine can index.
   */
  private matchClause(words: string[]): { from: Sql; where: Sql; score: Sql } | null | 'nothing' {
    if (words.length === 0) return null;
    if (this.mysql) {
      const against = mysqlBooleanQuery(words);
      if (against === null) return 'nothing';
      return {
        from: { text: 'items i', params: [] },
        where: { text: 'MATCH(i.title, i.body) AGAINST (? IN BOOLEAN MODE)', params: [against] },
        // A title hit counts three times a body hit: MATCH(title) only scores title words.
        score: {
          text:
            '(2 * MATCH(i.title) AGAINST (? IN BOOLEAN MODE) + ' +
            'MATCH(i.title, i.body) AGAINST (? IN BOOLEAN MODE))',
          params: [against, against],
        },
      };
    }
    const expression = fts5Query(words);
    if (expression === null) return null;
    return {
      from: { text: 'items_fts JOIN items i ON i.rowid = items_fts.rowid', params: [] },
      where: { text: 'items_fts MATCH ?', params: [expression] },
      // bm25 is lower-is-better; title terms weigh ten times body terms.
      score: { text: '-bm25(items_fts, 10.0, 1.0)', params: [] },
    };
  }

  private joinSql(base: Sql | null, join: Sql | null): Sql {
    const from = base ?? { text: 'items i', params: [] };
    if (!join) return from;
    return { text: `${from.text} ${join.text}`, params: [...from.params, ...join.params] };
  }

  /** The items the viewer may read (items/item-visibility), narrowed by the query's filters. */
  private filters(query: Pick<SearchQuery, 'viewer' | 'tag' | 'status' | 'ownerId'>): {
    join: Sql | null;
    where: Sql[];
  } {
    const visible = visibleItemsSql(query.viewer, itemColumns('i'));
    const where: Sql[] = [{ text: `(${visible.sql})`, params: visible.params }];
    if (query.ownerId) where.push({ text: 'i.owner_id = ?', params: [query.ownerId] });
    if (query.status) where.push({ text: 'i.status = ?', params: [query.status] });
    const join = query.tag
      ? { text: 'JOIN item_tags t ON t.item_id = i.id AND t.tag = ?', params: [query.tag] }
      : null;
    return { join, where };
  }
}
