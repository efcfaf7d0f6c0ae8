import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AggregateCache } from '../core/cache/aggregate-cache';
import { AppError } from '../core/errors/app-error';
import { ProgrammeEntity } from '../data/entities/programme.entity';

/**
 * Programmes are reference data: written by migrations and the reference seed only (no API changes
 * them), read by nearly every request. They are kept in memory for a minute rather than read each time.
 */
const PROGRAMME_CACHE_MS = 60_000;

@Injectable()
export class ProgrammesService {
  private readonly cache = new AggregateCache(PROGRAMME_CACHE_MS);

  constructor(private readonly dataSource: DataSource) {}

  list(): Promise<ProgrammeEntity[]> {
    return this.cache.get('list', () => this.dataSource.getRepository(ProgrammeEntity).find({ order: { createdAt: 'ASC', key: 'ASC' } }));
  }

  async get(id: string): Promise<ProgrammeEntity> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw AppError.notFound('Programme', id);
    const found = (await this.list()).find((p) => p.id === id.toLowerCase());
    if (!found) throw AppError.notFound('Programme', id);
    return found;
  }

  /** The programme a call means when it names none: the first one created (the seeded Kaspersky 2024). */
  async resolve(id?: string | null): Promise<ProgrammeEntity> {
    if (id) return this.get(id);
    const [first] = await this.list();
    if (!first) throw AppError.notFound('Programme', 'default');
    return first;
  }
}
