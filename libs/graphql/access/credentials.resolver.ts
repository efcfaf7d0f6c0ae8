import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor } from '../context';
import type { Actor } from '@libs/domain/actor';
import { Allow } from '@libs/access/access.decorators';
import { CredentialsService } from '@libs/access/credentials.service';
import { CreateCredentialInput } from '@libs/access/dto/credential.input';
import { CredentialModel, NewCredentialModel } from './credential.model';

@Resolver(() => CredentialModel)
export class CredentialsResolver {
  constructor(private readonly service: CredentialsService) {}

  @Allow('admin')
  @Query(() => [CredentialModel], { description: 'Every API credential (never its token)' })
  credentials(): Promise<CredentialModel[]> {
    return this.service.list();
  }

  @Allow('admin')
  @Mutation(() => NewCredentialModel, { description: 'Mint an API credential; its token is in this answer only' })
  createCredential(@CurrentActor() actor: Actor, @Args('input') input: CreateCredentialInput): Promise<NewCredentialModel> {
    return this.service.create(actor, input);
  }

  @Allow('admin')
  @Mutation(() => CredentialModel, { description: 'Revoke a credential: refused everywhere from the next request' })
  revokeCredential(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<CredentialModel> {
    return this.service.revoke(actor, id);
  }
}
