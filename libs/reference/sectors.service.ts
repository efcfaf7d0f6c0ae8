import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '@libs/audit/audit.service';
import { AppError } from '@libs/core/errors/app-error';
import type { Actor } from '@libs/domain/actor';
import { ChangeSectorAgencyInput } from './dto/sector-agency.input';
import { ReferenceService, Sector } from './reference.service';

/**
 * Sectors are versioned reference data (NSM-22 kept PPD-21's sixteen; the next directive may move
 * one): a change of agency closes the version in force at `from` and opens a new one there, so every
 * question asked about an instant before `from` still gets the agency of that time.
 */
@Injectable()
export class SectorsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reference: ReferenceService,
    private readonly audit: AuditService,
  ) {}

  async changeAgency(actor: Actor, input: ChangeSectorAgencyInput): Promise<Sector> {
    const from = input.from;
    await this.dataSource.transaction(async (m) => {
      // every version of the code, locked: two changes of one sector cannot split the same version twice
      const versions: Array<{ name: string; srma: string; valid_from: Date; valid_to: Date | null }> = await m.query(
        `SELECT name, srma, valid_from, valid_to FROM sector WHERE code = $1 ORDER BY valid_from FOR UPDATE`,
        [input.code],
      );
      if (versions.length === 0) throw AppError.notFound('Sector', input.code);
      const holding = versions.find((v) => v.valid_from <= from && (!v.valid_to || v.valid_to > from));
      if (!holding) throw AppError.badInput('from', `the sector ${input.code} has no version in force at ${from.toISOString()}`);
      if (holding.valid_from.getTime() === from.getTime())
        throw AppError.badInput('from', `must be after ${holding.valid_from.toISOString()}, when the version in force began`);
      if (holding.srma === input.srma) throw AppError.badInput('srma', `the sector ${input.code} is already with ${input.srma} at ${from.toISOString()}`);
      await m.query(`UPDATE sector SET valid_to = $3 WHERE code = $1 AND valid_from = $2`, [input.code, holding.valid_from, from]);
      await m.query(`INSERT INTO sector (code, name, srma, valid_from, valid_to) VALUES ($1, $2, $3, $4, $5)`, [
        input.code,
        holding.name,
        input.srma,
        from,
        holding.valid_to,
      ]);
      await this.audit.record(m, actor, [
        {
          organisationId: null,
          entityType: 'sector',
          entityId: input.code,
          action: 'change_agency',
          before: { srma: holding.srma, validFrom: holding.valid_from, validTo: holding.valid_to },
          after: { srma: input.srma, validFrom: from, validTo: holding.valid_to },
        },
      ]);
    });
    this.reference.invalidate();
    return (await this.reference.sectorAt(input.code, from))!;
  }
}
