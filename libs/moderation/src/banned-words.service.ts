import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { DatabaseLocation, NotFoundError, PageQuery, pageWindow } from '@app/core';
import { BannedWordsRepository, type BannedWordRow } from './banned-words.repository';
import {
  BannedWordDto,
  BannedWordPageDto,
  CreateBannedWordDto,
  ListBannedWordsQuery,
  PromptVerdictDto,
  toBannedWordDto,
  UpdateBannedWordDto,
} from './dto/banned-word.dto';
import { BannedWordMatcher } from './matcher';

/** A change arrives by NOTIFY at once; this re-check of the list's version is the safety net (a dropped connection). */
const RECHECK_MS = 1000;
const CHANNEL = 'banned_words_changed';

/**
 * The banned-words list and its allow list: the admin API's service, and the compiled matcher the submit check uses.
 * The matcher is rebuilt when the list's version moves: at once on the instance that made the change, on the others
 * when PostgreSQL's NOTIFY (sent by the table's trigger at commit) arrives, and at the latest a second later.
 */
@Injectable()
export class BannedWords implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('BannedWords');
  private cache?: { version: number; matcher: BannedWordMatcher; checkedAt: number };
  private loading?: Promise<BannedWordMatcher>;
  private stale = true;
  private listener?: Client;

  constructor(
    private readonly words: BannedWordsRepository,
    private readonly database: DatabaseLocation,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.database.embedded) return;
    try {
      this.listener = new Client({ connectionString: this.database.url });
      this.listener.on('error', (error) => this.logger.warn(`LISTEN connection: ${error.message}`));
      this.listener.on('notification', () => (this.stale = true));
      await this.listener.connect();
      await this.listener.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      this.logger.warn(`banned-word changes from other instances arrive by polling only: ${(error as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener?.end().catch(() => undefined);
  }

  /** The current matcher (the list as of this instant, or of at most a second ago if a notification was lost). */
  matcher(): Promise<BannedWordMatcher> {
    if (this.cache && !this.stale && Date.now() - this.cache.checkedAt < RECHECK_MS) return Promise.resolve(this.cache.matcher);
    this.loading ??= this.refresh().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async refresh(): Promise<BannedWordMatcher> {
    // Cleared before reading: a change notified meanwhile marks it stale again.
    this.stale = false;
    const version = await this.words.version();
    if (this.cache?.version === version) {
      this.cache.checkedAt = Date.now();
      return this.cache.matcher;
    }
    const rows = await this.words.all();
    const entries = (list: string) => rows.filter((r) => r.list === list).map((r) => ({ phrase: r.phrase, wholeWord: r.wholeWord }));
    const matcher = new BannedWordMatcher(entries('banned'), entries('allowed'));
    this.cache = { version, matcher, checkedAt: Date.now() };
    return matcher;
  }

  async list(query: ListBannedWordsQuery): Promise<BannedWordPageDto> {
    const { page, pageSize, offset } = pageWindow(query as PageQuery);
    const [rows, total] = await this.words.findPage({ list: query.list, q: query.q }, offset, pageSize);
    return { items: rows.map(toBannedWordDto), total, page, page_size: pageSize };
  }

  async get(id: number): Promise<BannedWordDto> {
    return toBannedWordDto(await this.require(id));
  }

  async create(dto: CreateBannedWordDto): Promise<BannedWordDto> {
    const row = await this.words.insert({
      phrase: dto.phrase.trim(),
      list: dto.list ?? 'banned',
      wholeWord: dto.whole_word ?? true,
      note: dto.note ?? '',
    });
    this.stale = true;
    return toBannedWordDto(row);
  }

  async update(id: number, dto: UpdateBannedWordDto): Promise<BannedWordDto> {
    const current = await this.require(id);
    const row = await this.words.update(id, {
      phrase: dto.phrase?.trim() ?? current.phrase,
      list: dto.list ?? current.list,
      wholeWord: dto.whole_word ?? current.wholeWord,
      note: dto.note ?? current.note,
    });
    if (!row) throw new NotFoundError(`Banned word ${id} not found`);
    this.stale = true;
    return toBannedWordDto(row);
  }

  async remove(id: number): Promise<void> {
    if (!(await this.words.delete(id))) throw new NotFoundError(`Banned word ${id} not found`);
    this.stale = true;
  }

  /** What the submit check would say of a prompt. */
  async test(prompt: string): Promise<PromptVerdictDto> {
    const hit = (await this.matcher()).match(prompt);
    return { banned: hit !== null, word: hit?.phrase ?? '' };
  }

  private async require(id: number): Promise<BannedWordRow> {
    const row = await this.words.find(id);
    if (!row) throw new NotFoundError(`Banned word ${id} not found`);
    return row;
  }
}
