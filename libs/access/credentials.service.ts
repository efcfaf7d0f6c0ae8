import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { RUNTIME } from '@libs/core/runtime/runtime';
import type { Runtime } from '@libs/core/runtime/runtime';
import { CredentialCache } from './credential-cache';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '@libs/audit/audit.service';
import { Clock } from '@libs/core/clock/clock';
import { AppError, FieldProblem } from '@libs/core/errors/app-error';
import { ReferenceService } from '@libs/reference/reference.service';
import type { Actor, Role } from '@libs/domain/actor';

export interface CredentialRow {
  id: string;
  label: string;
  role: Exclude<Role, 'system'>;
  sectors: string[];
  organisationId: string | null;
  tokenPrefix: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
  createdBy: string;
}

export interface NewCredential {
  role: Exclude<Role, 'system'>;
  label: string;
  sectors?: string[];
  organisationId?: string;
  expiresAt?: Date;
}

const TOKEN_PREFIX = 'ktt_';
const hash = (token: string) => createHash('sha256').update(token).digest();

const fromRow = (r: Record<string, any>): CredentialRow => ({
  id: r.id,
  label: r.label,
  role: r.role,
  sectors: r.sectors ?? [],
  organisationId: r.organisation_id,
  tokenPrefix: r.token_prefix,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  createdAt: r.created_at,
  createdBy: r.created_by,
});

/**
 * Bearer tokens: random, shown once, stored only as a SHA-256 hash (a token has 256 bits of entropy,
 * so a slow password hash adds nothing). Requests do not call `authenticate` directly: they go through
 * the one door, Authenticator (authenticator.ts), which also takes an identity provider's tokens
 * (OIDC JWTs) beside these.
 */
@Injectable()
export class CredentialsService implements OnModuleDestroy {
  private readonly cache: CredentialCache;
  private readonly logger = new Logger('Credentials');

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly reference: ReferenceService,
    private readonly audit: AuditService,
    @Inject(RUNTIME) runtime: Runtime,
  ) {
    this.cache = new CredentialCache(runtime.databaseUrl, runtime.config.CREDENTIAL_CACHE_MS, (m) => this.logger.warn(m));
  }

  onModuleDestroy(): Promise<void> {
    return this.cache.close();
  }

  /** The actor behind a bearer token, or null when it is unknown, expired or revoked. */
  async authenticate(token: string): Promise<Actor | null> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
    const digest = hash(token);
    const key = digest.toString('base64');
    let row = this.cache.get(key)?.row;
    if (!row) {
      const epoch = this.cache.epoch();
      const rows = await this.dataSource.query(`SELECT * FROM api_credential WHERE token_hash = $1`, [digest]);
      if (rows.length === 0) return null;
      row = rows[0] as Record<string, unknown>;
      this.cache.set(key, { id: row.id as string, row }, epoch);
    }
    const c = fromRow(row);
    const now = this.clock.now();
    if (c.revokedAt || (c.expiresAt && c.expiresAt.getTime() <= now.getTime())) return null;
    return { id: `credential:${c.id}`, role: c.role, label: c.label, sectors: c.sectors, organisationId: c.organisationId ?? undefined };
  }

  async create(creator: Actor, input: NewCredential): Promise<{ credential: CredentialRow; token: string }> {
    const problems: FieldProblem[] = [];
    const sectors = [...new Set(input.sectors ?? [])];
    if (!input.label?.trim()) problems.push({ field: 'label', message: 'is required' });
    if (input.role === 'liaison' && sectors.length === 0) problems.push({ field: 'sectors', message: 'a liaison needs at least one sector' });
    if (input.role !== 'liaison' && sectors.length > 0) problems.push({ field: 'sectors', message: `only a liaison has sectors, not a ${input.role}` });
    if (input.role === 'reporter' && !input.organisationId) problems.push({ field: 'organisationId', message: 'a reporter needs its organisation' });
    if (input.role !== 'reporter' && input.organisationId)
      problems.push({ field: 'organisationId', message: `only a reporter has an organisation, not a ${input.role}` });
    for (const s of sectors) if (!(await this.reference.sector(s))) problems.push({ field: 'sectors', message: `unknown sector ${s}` });
    if (input.expiresAt && input.expiresAt.getTime() <= this.clock.now().getTime()) problems.push({ field: 'expiresAt', message: 'must be in the future' });
    if (problems.length) throw AppError.badInputs(problems);
    if (input.organisationId) {
      const found = /^[0-9a-f-]{36}$/i.test(input.organisationId)
        ? await this.dataSource.query(`SELECT 1 FROM organisation WHERE id = $1`, [input.organisationId])
        : [];
      if (found.length === 0) throw AppError.badInput('organisationId', 'no such organisation');
    }
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager.query(
        `INSERT INTO api_credential (label, role, sectors, organisation_id, token_hash, token_prefix, expires_at, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
        [
          input.label.trim(),
          input.role,
          sectors,
          input.organisationId ?? null,
          hash(token),
          token.slice(0, 10),
          input.expiresAt ?? null,
          this.clock.now(),
          creator.id,
        ],
      );
      const credential = fromRow(rows[0]);
      const { tokenPrefix: _omit, ...safe } = credential;
      await this.audit.record(manager, creator, [
        { organisationId: credential.organisationId, entityType: 'credential', entityId: credential.id, action: 'create', after: safe },
      ]);
      return { credential, token };
    });
  }

  async revoke(actor: Actor, id: string): Promise<CredentialRow> {
    const revoked = await this.dataSource.transaction(async (manager) => {
      // TypeORM answers an UPDATE ... RETURNING with [rows, affected]
      const [rows] = /^[0-9a-f-]{36}$/i.test(id)
        ? await manager.query(`UPDATE api_credential SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING *`, [id, this.clock.now()])
        : [[]];
      if (rows.length === 0) throw AppError.notFound('Credential', id);
      const credential = fromRow(rows[0]);
      await this.audit.record(manager, actor, [
        {
          organisationId: credential.organisationId,
          entityType: 'credential',
          entityId: id,
          action: 'revoke',
          before: { revokedAt: null },
          after: { revokedAt: credential.revokedAt },
        },
      ]);
      return credential;
    });
    this.cache.forget(revoked.id);
    return revoked;
  }

  async list(): Promise<CredentialRow[]> {
    return (await this.dataSource.query(`SELECT * FROM api_credential ORDER BY created_at DESC`)).map(fromRow);
  }

  async count(): Promise<number> {
    return (await this.dataSource.query(`SELECT count(*)::int AS n FROM api_credential WHERE revoked_at IS NULL`))[0].n;
  }
}
