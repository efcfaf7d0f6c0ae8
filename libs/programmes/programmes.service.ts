import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppError } from '../core/errors/app-error';
import { ProgrammeEntity } from './programme.entity';

@Injectable()
export class ProgrammesService {
  constructor(private readonly dataSource: DataSource) {}

  list(): Promise<ProgrammeEntity[]> {
    return this.dataSource.getRepository(ProgrammeEntity).find({ order: { createdAt: 'ASC', key: 'ASC' } });
  }

  async get(id: string): Promise<ProgrammeEntity> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw AppError.notFound('Programme', id);
    const found = await this.dataSource.getRepository(ProgrammeEntity).findOneBy({ id });
    if (!found) throw AppError.notFound('Programme', id);
    return found;
  }

  /** The programme a call means when it names none: the first one created (the seeded Kaspersky 2024). */
  async resolve(id?: string | null): Promise<ProgrammeEntity> {
    if (id) return this.get(id);
    const [first] = await this.dataSource.getRepository(ProgrammeEntity).find({ order: { createdAt: 'ASC', key: 'ASC' }, take: 1 });
    if (!first) throw AppError.notFound('Programme', 'default');
    return first;
  }
}
